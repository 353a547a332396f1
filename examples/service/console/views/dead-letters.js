import { api } from "../api.js";
import { ago, h, json, mount, toast } from "../dom.js";
import { watchBlueprint } from "../live.js";
import { field, submit } from "./forms.js";

const shortId = (id) => id.slice(-8);

/** Dead letters of the blueprint with replay buttons, and the sandbox target's rejection rule. */
export async function renderDeadLetters(body, { blueprint, head, connectors, refresh }) {
  // New dead letters arrive over the live stream: shown without reloading.
  watchBlueprint(blueprint.id, location.hash, refresh);
  const letters = (await api.deadLetters(blueprint.id)).items;
  const pending = letters.filter((d) => !d.replayedAt);
  const replay = async (button, ids) => {
    const errors = body.querySelector(".replay-errors");
    await submit(button, errors, async () => {
      const run = await api.replay(ids);
      toast(`Replay run ${shortId(run.id)} started`);
      location.hash = `#/blueprints/${blueprint.id}/runs/${run.id}`;
      await refresh();
    });
  };
  const replayAll = h(
    "button",
    { class: "secondary", disabled: pending.length === 0 },
    `Replay all pending (${pending.length})`,
  );
  replayAll.addEventListener("click", () =>
    replay(
      replayAll,
      pending.map((d) => d.id),
    ),
  );

  mount(
    body,
    await sandboxPanel(head, connectors, refresh),
    h(
      "div",
      { class: "card" },
      h("div", { class: "card-head" }, h("h2", null, "Dead letters"), replayAll),
      h(
        "p",
        { class: "muted" },
        "Records that exhausted their attempts. A replay runs them again through the approved revision; records already done are skipped by their idempotency key.",
      ),
      h("div", { class: "replay-errors" }),
      letters.length === 0
        ? h("p", { class: "muted", "data-testid": "no-dead-letters" }, "No dead letters. 🎉")
        : h(
            "table",
            { class: "table", "data-testid": "dead-letters" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", null, "Record"),
                h("th", null, "Step"),
                h("th", null, "Error"),
                h("th", null, "Attempts"),
                h("th", null, "Run"),
                h("th", null, "When"),
                h("th", null, ""),
              ),
            ),
            h(
              "tbody",
              null,
              letters.map((letter) => {
                const button = h("button", { class: "primary small", "data-action": "replay" }, "Replay");
                button.addEventListener("click", () => replay(button, [letter.id]));
                return [
                  h(
                    "tr",
                    { "data-dead-letter": letter.id },
                    h("td", null, h("code", null, letter.recordKey ?? "—")),
                    h("td", null, letter.step),
                    h(
                      "td",
                      { class: "error-text" },
                      h("strong", null, letter.error.code),
                      " ",
                      letter.error.message,
                    ),
                    h("td", null, String(letter.attempts)),
                    h(
                      "td",
                      null,
                      h(
                        "a",
                        { href: `#/blueprints/${blueprint.id}/runs/${letter.runId}` },
                        shortId(letter.runId),
                      ),
                    ),
                    h("td", { class: "muted" }, ago(letter.createdAt)),
                    h(
                      "td",
                      null,
                      letter.replayedAt
                        ? h(
                            "a",
                            {
                              class: "replayed",
                              href: `#/blueprints/${blueprint.id}/runs/${letter.replayRunId}`,
                            },
                            `replayed → ${shortId(letter.replayRunId)}`,
                          )
                        : button,
                    ),
                  ),
                  h(
                    "tr",
                    { class: "record-row" },
                    h(
                      "td",
                      { colspan: 7 },
                      h("details", null, h("summary", null, "Record"), json(letter.record)),
                    ),
                  ),
                ];
              }),
            ),
          ),
    ),
  );
}

/** The rule of the sandbox target this blueprint sends to: make it reject records, or accept all. */
async function sandboxPanel(head, connectors, refresh) {
  const target = connectors.find((c) => c.id === head.body.target.connector && c.type === "sandbox");
  if (target === undefined) return null;
  const channel = await api.sandbox(target.config.channel);
  const rule = h("input", {
    name: "rejectWhen",
    value: channel.rejectWhen ?? "",
    placeholder: 'sku = "BROKEN"',
  });
  const errors = h("div");
  const save = h("button", { type: "submit", class: "secondary" }, "Set rule");
  const clear = h(
    "button",
    { type: "button", class: "secondary", "data-action": "accept-all" },
    "Accept all",
  );
  const apply = (button, value) =>
    submit(button, errors, async () => {
      await api.setSandbox(target.config.channel, value);
      toast(
        value ? `${target.name} now rejects records where ${value}` : `${target.name} accepts every record`,
      );
      await refresh();
    });
  clear.addEventListener("click", () => apply(clear, null));
  return h(
    "form",
    {
      class: "card form sandbox",
      onsubmit: (event) => {
        event.preventDefault();
        apply(save, rule.value || null);
      },
    },
    h(
      "div",
      { class: "card-head" },
      h("h2", null, `Target: ${target.name} (sandbox)`),
      h(
        "span",
        { class: `pill ${channel.rejectWhen ? "pill-bad" : "pill-ok"}`, "data-testid": "sandbox-state" },
        channel.rejectWhen ? "rejecting" : "accepting",
      ),
    ),
    h(
      "p",
      { class: "muted" },
      `${channel.received.length} record(s) received on channel `,
      h("code", null, channel.channel),
      ". Make it reject records to see dead letters, then accept them again and replay.",
    ),
    h(
      "div",
      { class: "row compact" },
      field("Reject records where (JSONata)", rule),
      h("div", { class: "actions end" }, save, clear),
    ),
    errors,
  );
}
