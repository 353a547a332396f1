import { api, parseJsonField } from "../api.js";
import { h, json, mount } from "../dom.js";
import { field, submit } from "./forms.js";
import { pretty, sampleOrders } from "./samples.js";

const text = (value) => (value === undefined ? "—" : JSON.stringify(value));

/** Paste a sample record; see the output, how each field got its value, and schema problems. */
export async function renderPlayground(body, { blueprint, head }) {
  const mappings = head.body.mappings;
  if (mappings.length === 0) {
    mount(body, h("div", { class: "card" }, h("p", { class: "muted" }, "This blueprint has no mapping.")));
    return;
  }
  const mappingSelect = h(
    "select",
    { name: "mapping" },
    mappings.map((m) => h("option", { value: m.id }, m.name ?? m.id)),
  );
  const firstSample = mappings[0].samples?.[0]?.input ?? sampleOrders[0];
  const sample = h("textarea", { name: "sample", rows: 12, spellcheck: "false" }, pretty(firstSample));
  const result = h("div", { class: "playground-result", "data-testid": "playground-result" });
  const errors = h("div");
  const run = h("button", { type: "submit", class: "primary" }, "Map it");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(run, errors, async () => {
          const tested = await api.testMapping(blueprint.id, {
            input: parseJsonField(sample.value, "Sample record"),
            mapping: mappingSelect.value,
          });
          showResult(result, tested);
        });
      },
    },
    h("h2", null, "Sample record"),
    mappings.length > 1 ? field("Mapping", mappingSelect) : null,
    field("Input (JSON)", sample, `Mapped with r${head.revision}, the head revision.`),
    errors,
    h("div", { class: "actions" }, run),
  );
  mount(body, h("div", { class: "split" }, form, result));
  form.requestSubmit();
}

/** The output of one mapped sample, each field's explanation and the schema problems inline. */
export function showResult(element, tested) {
  const issuesAt = new Map();
  for (const issue of tested.outputIssues) {
    const key = issue.pointer.split("/")[1] ?? "";
    issuesAt.set(key, [...(issuesAt.get(key) ?? []), issue]);
  }
  const problems = tested.inputIssues.length + tested.outputIssues.length + (tested.error ? 1 : 0);
  mount(
    element,
    h(
      "div",
      { class: "card" },
      h(
        "h2",
        null,
        "Output ",
        h(
          "span",
          { class: `pill ${problems === 0 ? "pill-ok" : "pill-bad"}`, "data-testid": "problem-count" },
          problems === 0 ? "valid" : `${problems} problem(s)`,
        ),
      ),
      tested.error ? h("div", { class: "problem" }, tested.error) : null,
      tested.inputIssues.length > 0
        ? h(
            "div",
            { class: "problem" },
            h("strong", null, "The sample breaks the source schema"),
            h(
              "ul",
              null,
              tested.inputIssues.map((i) => h("li", null, h("code", null, i.pointer || "/"), " ", i.message)),
            ),
          )
        : null,
      json(tested.output),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", null, "How each field got its value"),
      h(
        "table",
        { class: "table explain" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", null, "Target"),
            h("th", null, "From"),
            h("th", null, "Read"),
            h("th", null, "Steps"),
            h("th", null, "Value"),
          ),
        ),
        h(
          "tbody",
          null,
          tested.fields.map((f) => {
            const issues = issuesAt.get(f.pointer.split("/")[1] ?? "") ?? [];
            return [
              h(
                "tr",
                { class: issues.length > 0 || f.error ? "has-issue" : "", "data-field": f.target },
                h("td", null, h("code", null, f.target)),
                h(
                  "td",
                  null,
                  f.sources.map((s) => h("code", null, s)),
                ),
                h("td", null, text(f.input)),
                h(
                  "td",
                  null,
                  f.steps.length === 0
                    ? "—"
                    : f.steps.map((s) => h("span", { class: "chip" }, `${s.transform} → ${text(s.value)}`)),
                ),
                h(
                  "td",
                  null,
                  f.written ? h("strong", null, text(f.value)) : h("span", { class: "muted" }, "not written"),
                ),
              ),
              ...issues.map((issue) =>
                h(
                  "tr",
                  { class: "issue-row" },
                  h(
                    "td",
                    { colspan: 5 },
                    "⚠ ",
                    h("code", null, issue.pointer),
                    ` ${issue.message}`,
                    issue.rule ? ` (rule ${issue.rule})` : "",
                  ),
                ),
              ),
              f.error ? h("tr", { class: "issue-row" }, h("td", { colspan: 5 }, `✖ ${f.error}`)) : null,
            ];
          }),
        ),
      ),
    ),
  );
}
