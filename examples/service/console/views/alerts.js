// A project's alert rules: what each watches, its last value and alert; a form to add one and a
// button to delete one. The service checks them as runs finish and dead letters arrive.

import { api, can } from "../api.js";
import { ago, h, mount, toast } from "../dom.js";
import { field, submit } from "./forms.js";

const METRICS = [
  ["deadLetters", "dead letters (count)"],
  ["failureRate", "failure rate (0–1)"],
  ["lagSeconds", "lag (seconds)"],
];
const CHANNEL_TYPES = new Set(["slack", "teams", "email"]);

export async function renderAlerts(main, projectId) {
  const [project, connectors, blueprints, rules] = await Promise.all([
    api.project(projectId),
    api.connectors(projectId),
    api.blueprints(projectId),
    api.alerts(projectId),
  ]);
  const editor = can("editor", projectId);
  const reload = () => renderAlerts(main, projectId);
  const names = new Map([...connectors, ...blueprints.items].map((x) => [x.id, x.name]));
  const channels = connectors.filter((c) => CHANNEL_TYPES.has(c.type));
  const select = (name, options) =>
    h(
      "select",
      { name },
      options.map(([value, label]) => h("option", { value }, label)),
    );
  const blueprint = select(
    "blueprintId",
    blueprints.items.map((b) => [b.id, b.name]),
  );
  const metric = select("metric", METRICS);
  const threshold = h("input", { name: "threshold", type: "number", min: "0", step: "any", value: "1" });
  const windowMinutes = h("input", { name: "windowMinutes", type: "number", min: "1", value: "15" });
  const quietMinutes = h("input", { name: "quietMinutes", type: "number", min: "0", value: "60" });
  const channel = select(
    "channel",
    channels.map((c) => [c.id, `${c.name} (${c.type})`]),
  );
  const errors = h("div");
  const add = h(
    "button",
    { type: "submit", class: "primary", disabled: !editor || channels.length === 0 },
    "Add rule",
  );
  const form = h(
    "form",
    {
      class: "card form",
      "aria-label": "New alert rule",
      onsubmit: (event) => {
        event.preventDefault();
        submit(add, errors, async () => {
          await api.createAlert(projectId, {
            blueprintId: blueprint.value,
            metric: metric.value,
            threshold: Number(threshold.value),
            windowMinutes: Number(windowMinutes.value),
            quietMinutes: Number(quietMinutes.value),
            channel: channel.value,
          });
          toast("Alert rule added");
          await reload();
        });
      },
    },
    h("h2", null, "New alert rule"),
    channels.length === 0
      ? h(
          "p",
          { class: "muted" },
          "Add a slack or teams connector to the project first: alerts are sent through it.",
        )
      : null,
    h("div", { class: "row" }, field("Blueprint", blueprint), field("Metric", metric)),
    h(
      "div",
      { class: "row compact" },
      field("Threshold", threshold),
      field("Window (min)", windowMinutes),
      field("Quiet period (min)", quietMinutes),
    ),
    field("Send through", channel),
    errors,
    h("div", { class: "actions" }, add),
  );
  const row = (rule) => {
    const remove = h(
      "button",
      {
        type: "button",
        class: "secondary small",
        disabled: !editor,
        "aria-label": `Delete the rule ${rule.id}`,
      },
      "Delete",
    );
    remove.addEventListener("click", () =>
      submit(remove, errors, async () => {
        await api.deleteAlert(rule.id);
        toast("Alert rule deleted");
        await reload();
      }),
    );
    return h(
      "tr",
      { "data-alert": rule.id },
      h("td", null, names.get(rule.blueprintId) ?? rule.blueprintId),
      h(
        "td",
        null,
        `${rule.metric} ≥ ${rule.threshold}`,
        h("div", { class: "muted small" }, `over ${rule.windowMinutes} min`),
      ),
      h("td", null, names.get(rule.channel) ?? rule.channel),
      h("td", null, rule.lastValue === undefined ? "—" : String(Math.round(rule.lastValue * 1000) / 1000)),
      h(
        "td",
        null,
        rule.lastFiredAt ? ago(rule.lastFiredAt) : "never",
        rule.quieted > 0
          ? h("div", { class: "muted small" }, `${rule.quieted} held by the quiet period`)
          : null,
        rule.lastError ? h("div", { class: "error-text small" }, rule.lastError) : null,
      ),
      h("td", null, remove),
    );
  };
  mount(
    main,
    h(
      "div",
      { class: "crumbs" },
      h("a", { href: "#/" }, "Projects"),
      " / ",
      h("a", { href: `#/projects/${projectId}` }, project.name),
      " / Alerts",
    ),
    h("h1", null, "Alerts"),
    h(
      "div",
      { class: "card" },
      h("h2", null, "Rules"),
      rules.items.length === 0
        ? h("p", { class: "muted" }, "No alert rule yet.")
        : h(
            "table",
            { class: "table", "data-testid": "alert-rules" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Blueprint", "When", "Channel", "Last value", "Last alert"].map((t) => h("th", null, t)),
                h("th", null, h("span", { class: "sr-only" }, "Actions")),
              ),
            ),
            h("tbody", null, rules.items.map(row)),
          ),
    ),
    form,
  );
}
