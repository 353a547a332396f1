// The visual mapping builder: source fields on one side, target fields on the other; connect
// them by clicking (or pressing Enter on) a source then a target, or by dragging one onto the
// other; pick transforms from the function library; see the JSONata the rules compile to and a
// live preview on the pasted sample and the golden samples. Saving makes a new revision.

import { api, can, parseJsonField } from "../api.js";
import { h, json, mount, toast } from "../dom.js";
import { sampleFields, schemaFields } from "./builder-fields.js";
import { renderRules } from "./builder-rules.js";
import { field, submit } from "./forms.js";
import { showResult } from "./playground.js";
import { pretty, sampleOrders } from "./samples.js";

/** Golden samples previewed at most: each is one request. */
const MAX_PREVIEWED_SAMPLES = 5;
const PREVIEW_DELAY_MS = 300;

let library; // the function library, fetched once per page load

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export async function renderMappingBuilder(body, { blueprint, head, refresh }) {
  const spec = head.body;
  const mapping = spec.mappings[0];
  if (mapping === undefined) {
    mount(body, h("div", { class: "card" }, h("p", { class: "muted" }, "This blueprint has no mapping.")));
    return;
  }
  library ??= (await api.mappingFunctions()).items;
  const state = {
    rules: structuredClone(mapping.rules ?? []),
    source: withRuleSources(schemaFields(mapping.inputSchema ?? spec.source.schema), mapping.rules ?? []),
    target: schemaFields(mapping.outputSchema ?? spec.target.schema),
    picked: undefined, // the source field waiting for its target
  };
  const sample = h(
    "textarea",
    { name: "builder-sample", rows: 10, spellcheck: "false", "aria-label": "Sample payload (JSON)" },
    pretty(mapping.samples?.[0]?.input ?? sampleOrders[0]),
  );
  const sourceList = h("ul", { class: "field-list", "aria-label": "Source fields" });
  const targetList = h("ul", { class: "field-list", "aria-label": "Target fields" });
  const hint = h("p", { class: "hint", "aria-live": "polite" });
  const rulesBox = h("div", { "data-testid": "builder-rules" });
  const docBox = h("p", { class: "hint fn-doc", "aria-live": "polite", "data-testid": "function-doc" });
  const expression = h("pre", { class: "json", "data-testid": "builder-jsonata" });
  const preview = h("div", { class: "playground-result", "data-testid": "builder-preview" });
  const goldens = h("div", { "data-testid": "builder-goldens" });
  const errors = h("div");
  const keepSample = h("input", { type: "checkbox", name: "keep-sample", checked: true });
  const save = h(
    "button",
    {
      type: "button",
      class: "primary",
      "data-action": "save-mapping",
      disabled: !can("editor", blueprint.projectId),
    },
    "Save as a new revision",
  );
  let last; // the latest preview of the pasted sample

  const connect = (from, target) => {
    const rule = { target, from };
    const at = state.rules.findIndex((r) => r.target === target);
    state.picked = undefined;
    change(at === -1 ? [...state.rules, rule] : state.rules.map((r, i) => (i === at ? rule : r)));
    mount(hint, `Connected ${from} → ${target}.`);
  };

  function drawFields() {
    const fromOf = new Map(state.rules.map((r) => [r.target, r.from ?? r.expr ?? "constant"]));
    const used = new Set(state.rules.map((r) => r.from));
    mount(
      sourceList,
      state.source.map((f) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: `field-button${used.has(f.path) ? " connected" : ""}`,
              draggable: "true",
              "data-source-field": f.path,
              "aria-pressed": state.picked === f.path ? "true" : "false",
              onclick: () => {
                state.picked = state.picked === f.path ? undefined : f.path;
                mount(hint, state.picked ? `${f.path} picked: now choose the target field it fills.` : "");
                drawFields();
              },
              ondragstart: (event) => event.dataTransfer.setData("text/plain", f.path),
            },
            h("code", null, f.path),
            h("span", { class: "field-type" }, f.type),
          ),
        ),
      ),
    );
    mount(
      targetList,
      state.target.map((f) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: `field-button${fromOf.has(f.path) ? " connected" : ""}`,
              "data-target-field": f.path,
              onclick: () => {
                if (state.picked) connect(state.picked, f.path);
                else mount(hint, "Pick a source field first.");
              },
              ondragover: (event) => event.preventDefault(),
              ondrop: (event) => {
                event.preventDefault();
                const from = event.dataTransfer.getData("text/plain");
                if (from) connect(from, f.path);
              },
            },
            h("code", null, f.path),
            h("span", { class: "field-type" }, f.required ? `${f.type}, required` : f.type),
            fromOf.has(f.path) ? h("span", { class: "field-from" }, `← ${fromOf.get(f.path)}`) : null,
          ),
        ),
      ),
    );
  }

  function change(rules) {
    state.rules = rules;
    renderRules(rulesBox, { rules, functions: library, docBox, change });
    drawFields(); // connected fields are marked
    schedulePreview();
  }

  let timer;
  let sequence = 0;
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
  }

  async function runPreview() {
    const mine = ++sequence;
    mount(errors);
    try {
      const input = parseJsonField(sample.value, "Sample payload");
      const request = (record) =>
        api.testMapping(blueprint.id, { input: record, mapping: mapping.id, rules: state.rules });
      const samples = (mapping.samples ?? []).slice(0, MAX_PREVIEWED_SAMPLES);
      const [tested, ...golden] = await Promise.all([
        request(input),
        ...samples.map((s) => request(s.input)),
      ]);
      if (mine !== sequence) return; // a newer edit is being previewed
      last = { input, output: tested.output };
      mount(expression, tested.expression);
      showResult(preview, tested);
      showGoldens(goldens, samples, golden);
    } catch (error) {
      if (mine !== sequence) return;
      last = undefined;
      mount(expression, "—");
      mount(preview);
      mount(
        errors,
        h(
          "div",
          { class: "problem", role: "alert" },
          h("strong", null, error.problem?.code ?? "Error"),
          " ",
          error.message,
        ),
      );
    }
  }

  const readFields = h(
    "button",
    { type: "button", class: "secondary", "data-action": "read-sample" },
    "Read fields from the sample",
  );
  readFields.addEventListener("click", () =>
    submit(readFields, errors, async () => {
      const fields = sampleFields(parseJsonField(sample.value, "Sample payload"));
      if (fields.length === 0) throw new Error("The sample has no fields: paste a JSON object.");
      state.source = fields;
      state.picked = undefined;
      mount(hint, `${fields.length} source fields read from the sample.`);
      drawFields();
      schedulePreview();
    }),
  );
  const clear = h(
    "button",
    { type: "button", class: "secondary", "data-action": "clear-rules" },
    "Clear rules",
  );
  clear.addEventListener("click", () => change([]));
  sample.addEventListener("input", schedulePreview);
  save.addEventListener("click", () =>
    submit(save, errors, async () => {
      const { expression: _raw, ...kept } = mapping;
      const samples = [...(mapping.samples ?? [])];
      if (
        keepSample.checked &&
        last &&
        last.output !== undefined &&
        !samples.some((s) => same(s.input, last.input))
      )
        samples.push({ name: "from the mapping builder", input: last.input, output: last.output });
      const next = { ...kept, rules: state.rules, samples };
      const saved = await api.editBlueprint(blueprint.id, {
        expectedRevision: blueprint.revision,
        patch: { mappings: spec.mappings.map((m) => (m.id === mapping.id ? next : m)) },
        message: `mapping builder: ${state.rules.length} rules`,
      });
      toast(`Saved as revision ${saved.revision}`);
      await refresh();
    }),
  );

  mount(
    body,
    h(
      "div",
      { class: "card" },
      h("h2", null, "Sample payload"),
      field("Paste a source record (JSON)", sample, "Previewed live; its fields can replace the schema's."),
      h("div", { class: "actions" }, readFields, clear),
    ),
    h(
      "div",
      { class: "card builder", "data-testid": "builder-fields" },
      h("h2", null, "Connect fields"),
      h(
        "p",
        { class: "muted" },
        "Pick a source field, then the target field it fills — or drag one onto the other.",
      ),
      hint,
      h(
        "div",
        { class: "builder-columns" },
        h("div", null, h("h3", null, "Source"), sourceList),
        h("div", null, h("h3", null, "Target"), targetList),
      ),
    ),
    h("div", { class: "card" }, h("h2", null, "Rules"), rulesBox, docBox),
    h("div", { class: "card" }, h("h2", null, "Compiled JSONata"), expression),
    errors,
    h(
      "div",
      { class: "card" },
      h("h2", null, "Golden samples"),
      goldens,
      h(
        "label",
        { class: "check" },
        keepSample,
        "Keep the pasted sample as a golden sample, with the output below",
      ),
      h("div", { class: "actions" }, save),
    ),
    preview,
  );
  change(state.rules);
}

/** The fields plus the source paths saved rules read that the schema does not list (a sample's). */
function withRuleSources(fields, rules) {
  const known = new Set(fields.map((f) => f.path));
  const extra = rules
    .map((r) => r.from)
    .filter((from) => from !== undefined && !known.has(from))
    .map((from) => ({ path: from, type: "read by a rule", required: false }));
  return [...fields, ...extra];
}

/** Each golden sample: whether the rules still give its expected output. */
function showGoldens(element, samples, results) {
  if (samples.length === 0)
    return mount(
      element,
      h("p", { class: "muted" }, "No golden sample yet: keep the pasted one when you save."),
    );
  return mount(
    element,
    h(
      "ul",
      { class: "plain" },
      samples.map((s, i) => {
        const ok = results[i].error === undefined && same(results[i].output, s.output);
        return h(
          "li",
          { "data-golden": String(i), "data-ok": String(ok) },
          h("span", { class: `pill ${ok ? "pill-ok" : "pill-bad"}` }, ok ? "matches" : "differs"),
          ` ${s.name ?? `sample ${i + 1}`}`,
          ok
            ? null
            : h(
                "details",
                null,
                h("summary", null, "expected and got"),
                json(s.output),
                json(results[i].output),
              ),
        );
      }),
    ),
  );
}
