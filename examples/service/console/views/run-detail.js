import { api, can } from "../api.js";
import { badge, h, json, mount, toast } from "../dom.js";
import { submit } from "./forms.js";
import { waterfall } from "./waterfall.js";

const shortId = (id) => id.slice(-8);
export const ms = (value) =>
  value === undefined ? "—" : value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`;
const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
/** The event that holds a record's step trace: shown as the waterfall, not in the timeline. */
const STEPS_EVENT = "record.steps";

// The record whose waterfall is open, kept across the live re-renders of the view.
let open = { runId: undefined, recordKey: undefined };

/**
 * One run: operate buttons (cancel, replay its dead letters), parked records (retry now, give
 * up), its records with each one's step waterfall, the timeline. Buttons are disabled for a
 * role that may not use them; the API refuses them anyway.
 */
export async function renderRunDetail(element, run, refresh) {
  const [{ items: events }, parked] = await Promise.all([api.logs(run.id), api.parked(run.id)]);
  const t0 = Date.parse(run.startedAt ?? run.createdAt);
  const editor = can("editor", run.projectId);
  const recordKeys = [...new Set(events.filter((e) => e.recordKey).map((e) => e.recordKey))];
  const errors = h("div");
  const steps = h("div", { "data-testid": "waterfall" });

  const cancel = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "data-action": "cancel-run",
      disabled: !editor || ENDED.has(run.status),
      title: editor ? undefined : "Needs the editor role",
      onclick: () =>
        submit(cancel, errors, async () => {
          const cancelled = await api.cancelRun(run.id);
          toast(`Run ${shortId(run.id)} ${cancelled.status.toLowerCase()}`);
          await refresh();
        }),
    },
    "Cancel run",
  );
  const replay = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "data-action": "replay-run",
      disabled: !editor || run.counts.deadLettered === 0,
      title: editor ? undefined : "Needs the editor role",
      onclick: () =>
        submit(replay, errors, async () => {
          const letters = await api.deadLetters(new URLSearchParams({ runId: run.id, replayed: "false" }));
          if (letters.items.length === 0) throw new Error("every dead letter of this run was replayed");
          const replayRun = await api.replay(letters.items.map((letter) => letter.id));
          toast(`Replaying ${letters.items.length} dead letter(s) in run ${shortId(replayRun.id)}`);
          await refresh();
        }),
    },
    "Replay dead letters",
  );

  const showSteps = async (recordKey) => {
    open = { runId: run.id, recordKey };
    const answer = await api.recordSteps(run.id, recordKey);
    mount(steps, waterfall(answer));
    for (const item of element.querySelectorAll("[data-record]"))
      item.setAttribute("aria-pressed", String(item.dataset.record === recordKey));
  };

  mount(
    element,
    h(
      "div",
      { class: "run-head" },
      h("h2", null, `Run ${shortId(run.id)} `, badge(run.status)),
      h("div", { class: "actions" }, cancel, replay),
    ),
    errors,
    h(
      "div",
      { class: "stats" },
      stat("Records", run.counts.total),
      stat("Completed", run.counts.completed),
      stat("Failed", run.counts.failed),
      stat("Dead letters", run.counts.deadLettered),
      stat("Parked", run.counts.parked ?? 0),
      stat("Duplicates", run.counts.duplicates),
      stat("Throughput", run.metrics ? `${run.metrics.throughputPerSecond.toFixed(1)} rec/s` : "—"),
      stat("p95 latency", ms(run.metrics?.latencyMs.p95)),
    ),
    parked.items.length > 0 ? parkedTable(run, parked, editor, refresh) : null,
    h("h3", null, "Records"),
    recordKeys.length === 0
      ? h("p", { class: "muted" }, "No record has a step trace yet.")
      : h(
          "div",
          { class: "record-keys", role: "group", "aria-label": "Records of the run" },
          recordKeys.map((key) =>
            h(
              "button",
              {
                type: "button",
                class: "secondary small",
                "data-record": key,
                "aria-pressed": "false",
                onclick: () => showSteps(key).catch((error) => toast(error.message, "error")),
              },
              key,
            ),
          ),
        ),
    steps,
    h("h3", null, "Timeline"),
    h(
      "ol",
      { class: "timeline", "data-testid": "timeline" },
      events
        .filter((event) => event.type !== STEPS_EVENT)
        .map((event) =>
          h(
            "li",
            { class: `event level-${event.level}`, "data-type": event.type },
            h("span", { class: "t" }, `+${Math.max(0, Date.parse(event.at) - t0)} ms`),
            h("span", { class: "type" }, event.type),
            event.step ? h("span", { class: "chip" }, `step ${event.step}`) : null,
            event.recordKey ? h("span", { class: "chip" }, `record ${event.recordKey}`) : null,
            eventSummary(event),
          ),
        ),
    ),
    run.metrics ? h("details", null, h("summary", null, "Metrics per step"), json(run.metrics.steps)) : null,
  );
  if (open.runId === run.id && recordKeys.includes(open.recordKey)) await showSteps(open.recordKey);
}

/** Records waiting for their next attempt: retry one now or give it up (a dead letter). */
function parkedTable(run, parked, editor, refresh) {
  const errors = h("div");
  const act = (button, call, done) =>
    submit(button, errors, async () => {
      await call();
      toast(done);
      await refresh();
    });
  return h(
    "div",
    { "data-testid": "parked" },
    h("h3", null, "Parked records"),
    errors,
    h(
      "table",
      { class: "table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Record", "Step", "Attempts", "Next attempt", "Last error", ""].map((t) => h("th", null, t)),
        ),
      ),
      h(
        "tbody",
        null,
        parked.items.map((item) => {
          const retry = h(
            "button",
            {
              type: "button",
              class: "secondary small",
              "data-action": "retry-parked",
              disabled: !editor,
              onclick: () =>
                act(
                  retry,
                  () => api.retryParked(run.id, item.recordKey),
                  `Record ${item.recordKey} is due now`,
                ),
            },
            "Retry now",
          );
          const giveUp = h(
            "button",
            {
              type: "button",
              class: "secondary small",
              "data-action": "cancel-parked",
              disabled: !editor,
              onclick: () =>
                act(
                  giveUp,
                  () => api.cancelParked(run.id, item.recordKey),
                  `Record ${item.recordKey} given up`,
                ),
            },
            "Give up",
          );
          return h(
            "tr",
            { "data-parked": item.recordKey },
            h("td", null, item.recordKey),
            h("td", null, item.step),
            h("td", null, String(item.attempts)),
            h("td", null, new Date(item.dueAt).toLocaleTimeString()),
            h("td", { class: "error-text" }, item.error ? `${item.error.code}: ${item.error.message}` : ""),
            h("td", null, h("div", { class: "actions" }, retry, giveUp)),
          );
        }),
      ),
    ),
  );
}

function eventSummary(event) {
  const error = event.data?.error;
  if (error) return h("div", { class: "event-detail" }, `${error.code}: ${error.message}`);
  if (event.type === "run.finished")
    return h("div", { class: "event-detail" }, `status ${event.data.status}`);
  if (event.type === "run.started")
    return h(
      "div",
      { class: "event-detail" },
      `${event.data.records} record(s), revision r${event.data.revision}`,
    );
  return null;
}

function stat(label, value) {
  return h(
    "div",
    { class: "stat" },
    h("span", { class: "stat-value" }, String(value)),
    h("span", { class: "stat-label" }, label),
  );
}
