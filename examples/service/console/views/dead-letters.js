import { api } from "../api.js";
import { ago, h, json, mount, toast } from "../dom.js";
import { watchBlueprint } from "../live.js";
import { field, submit } from "./forms.js";

const shortId = (id) => id.slice(-8);

/** The filter form's values per blueprint, kept while live updates re-render the tab. */
const filters = new Map();

/** The list's query: the blueprint, then the form's error code, time range and state. */
function queryOf(blueprintId, f) {
  const params = new URLSearchParams({ blueprintId, limit: "500" });
  if (f.errorCode) params.set("errorCode", f.errorCode);
  if (f.since) params.set("since", new Date(f.since).toISOString());
  if (f.until) params.set("until", new Date(f.until).toISOString());
  if (f.state) params.set("replayed", f.state === "replayed" ? "true" : "false");
  return params;
}

/** The replay request for what the form shows: its error code and time range. */
function replayFilterOf(f) {
  return {
    ...(f.errorCode ? { errorCode: f.errorCode } : {}),
    ...(f.since ? { since: new Date(f.since).toISOString() } : {}),
    ...(f.until ? { until: new Date(f.until).toISOString() } : {}),
  };
}

/** Dead letters of the blueprint, filtered, with replay buttons, and the sandbox target's rule. */
export async function renderDeadLetters(body, { blueprint, head, connectors, refresh }) {
  // New dead letters arrive over the live stream: shown without reloading.
  watchBlueprint(blueprint.id, location.hash, refresh);
  const f = filters.get(blueprint.id) ?? {};
  const page = await api.deadLetters(queryOf(blueprint.id, f));
  const letters = page.items;
  const pending = letters.filter((d) => !d.replayedAt);
  const replay = async (button, start) => {
    const errors = body.querySelector(".replay-errors");
    await submit(button, errors, async () => {
      const run = await start();
      toast(`Replay run ${shortId(run.id)} started`);
      location.hash = `#/blueprints/${blueprint.id}/runs/${run.id}`;
      await refresh();
    });
  };
  const replayAll = h(
    "button",
    {
      class: "secondary",
      "data-action": "replay-matching",
      disabled: pending.length === 0 || f.state === "replayed",
    },
    `Replay all matching (${pending.length}${page.nextCursor ? "+" : ""})`,
  );
  replayAll.addEventListener("click", () =>
    replay(replayAll, () => api.replayMatching(blueprint.id, replayFilterOf(f))),
  );

  mount(
    body,
    await sandboxPanel(head, connectors, refresh),
    filterForm(blueprint.id, f, refresh),
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
        ? h(
            "p",
            { class: "muted", "data-testid": "no-dead-letters" },
            Object.values(f).some(Boolean) ? "No dead letter matches." : "No dead letters. 🎉",
          )
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
                button.addEventListener("click", () => replay(button, () => api.replay([letter.id])));
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

/** Error code, time range and replay state; Filter re-renders the tab with them. */
function filterForm(blueprintId, f, refresh) {
  const code = h("input", {
    name: "errorCode",
    id: "dl-code",
    value: f.errorCode ?? "",
    placeholder: "CONNECTOR_FAILED",
  });
  const since = h("input", { type: "datetime-local", name: "since", id: "dl-since", value: f.since ?? "" });
  const until = h("input", { type: "datetime-local", name: "until", id: "dl-until", value: f.until ?? "" });
  const state = h(
    "select",
    { name: "state", id: "dl-state" },
    [
      ["", "any"],
      ["pending", "not replayed"],
      ["replayed", "replayed"],
    ].map(([value, label]) => h("option", { value, selected: value === (f.state ?? "") }, label)),
  );
  return h(
    "form",
    {
      class: "card filters",
      role: "search",
      "aria-label": "Filter dead letters",
      onsubmit: (event) => {
        event.preventDefault();
        filters.set(blueprintId, {
          errorCode: code.value.trim(),
          since: since.value,
          until: until.value,
          state: state.value,
        });
        refresh();
      },
    },
    h("label", { for: "dl-code" }, "Error code"),
    code,
    h("label", { for: "dl-since" }, "Since"),
    since,
    h("label", { for: "dl-until" }, "Until"),
    until,
    h("label", { for: "dl-state" }, "State"),
    state,
    h("button", { type: "submit", class: "primary" }, "Filter"),
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
