// The run queue: with BullMQ, jobs per state of each queue, the workers Redis knows and how many
// jobs stalled; with the inline queue, a line saying runs go through the process that starts them.

import { api } from "../api.js";
import { h, mount } from "../dom.js";

const STATES = ["waiting", "prioritized", "active", "delayed", "failed", "completed"];

/** Renders GET /queue into `element`. */
export async function renderQueue(element) {
  const queue = await api.queue();
  if (queue.engine === "inline") {
    return mount(
      element,
      h(
        "div",
        { class: "card", "data-testid": "queue", "data-engine": "inline" },
        h("h2", null, "Run queue: inline"),
        h(
          "p",
          { class: "muted" },
          "Runs go through the process that starts them; there is no queue or worker to watch. ",
          "Set REDIS_URL (with DATABASE_URL) to run them on BullMQ workers.",
        ),
      ),
    );
  }
  return mount(
    element,
    h(
      "div",
      { class: "card queue-view", "data-testid": "queue", "data-engine": "bullmq" },
      h("h2", null, "Run queue: BullMQ"),
      h(
        "div",
        { class: "stats" },
        stat("Workers alive", queue.workers.length, "workers"),
        stat("Stalled since start", queue.stalled, "stalled"),
      ),
      h(
        "table",
        { class: "table" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", null, "Queue"),
            STATES.map((s) => h("th", null, s)),
          ),
        ),
        h(
          "tbody",
          null,
          queue.queues.map((q) =>
            h(
              "tr",
              { "data-queue": q.name },
              h("td", null, q.name),
              STATES.map((s) => h("td", { "data-count": s }, String(q.counts[s] ?? 0))),
            ),
          ),
        ),
      ),
      h("h3", null, "Workers"),
      queue.workers.length === 0
        ? h("p", { class: "muted" }, "No worker is connected.")
        : h(
            "ul",
            { class: "plain-list" },
            queue.workers.map((w) =>
              h("li", null, h("code", null, w.name || "(unnamed)"), w.addr ? ` ${w.addr}` : ""),
            ),
          ),
    ),
  );
}

function stat(label, value, id) {
  return h(
    "div",
    { class: "stat", "data-stat": id },
    h("span", { class: "stat-value" }, String(value)),
    h("span", { class: "stat-label" }, label),
  );
}
