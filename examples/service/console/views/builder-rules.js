// The mapping builder's rule list: one row per target field, with its source and transforms.
// Transforms are picked from the function library the service lists, with their docs.

import { h, mount } from "../dom.js";

/** How a transform is written in a rule, as a chip: `to_float`, `round(2)`. */
export const transformLabel = (t) => (typeof t === "string" ? t : `${t.fn}(${(t.args ?? []).join(", ")})`);

const transformName = (t) => (typeof t === "string" ? t : t.fn);

/** A rule's value source as one line: its path, expression or constant. */
const sourceText = (rule) => rule.from ?? rule.expr ?? JSON.stringify(rule.const);

/**
 * The library function's docs under the picker: signature, what it does, one example.
 * @param {HTMLElement} target
 */
export function showFunctionDoc(target, fn) {
  if (fn === undefined) return mount(target);
  const example = fn.examples[0];
  return mount(
    target,
    h("code", null, `$${fn.name}${fn.signature}`),
    " — ",
    fn.doc,
    example
      ? h(
          "span",
          { class: "muted" },
          ` e.g. ${example.expr}`,
          example.output === undefined ? "" : ` → ${JSON.stringify(example.output)}`,
        )
      : null,
  );
}

/**
 * Renders the rules as a table. `change(rules)` is called with a new array after every edit
 * (a transform added or removed, a rule removed); the caller re-renders and previews.
 */
export function renderRules(element, { rules, functions, docBox, change }) {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const replaceRule = (index, rule) => change(rules.map((r, i) => (i === index ? rule : r)));
  const rows = rules.map((rule, index) => {
    const transforms = rule.transforms ?? [];
    // Extra arguments of the next transform picked: JSON values, comma separated (`2`, `"status"`).
    const args = h("input", {
      class: "transform-args",
      "data-args-for": rule.target,
      "aria-label": `Arguments of the next transform of ${rule.target} (JSON, comma separated)`,
      placeholder: "args",
    });
    const picker = h(
      "select",
      {
        "aria-label": `Add a transform to ${rule.target}`,
        "data-transform-for": rule.target,
        onfocus: (event) => showFunctionDoc(docBox, byName.get(event.target.value)),
        oninput: (event) => showFunctionDoc(docBox, byName.get(event.target.value)),
        onchange: (event) => {
          const name = event.target.value;
          if (!name) return;
          showFunctionDoc(docBox, byName.get(name));
          let extra;
          try {
            extra = args.value.trim() === "" ? undefined : JSON.parse(`[${args.value}]`);
          } catch {
            event.target.value = "";
            docBox.prepend(
              h("strong", { class: "error-text" }, `Arguments ${args.value} are not JSON values. `),
            );
            return;
          }
          const transform = extra === undefined ? name : { fn: name, args: extra };
          replaceRule(index, { ...rule, transforms: [...transforms, transform] });
        },
      },
      h("option", { value: "" }, "add transform…"),
      functions.map((fn) => h("option", { value: fn.name, title: fn.doc }, fn.name)),
    );
    return h(
      "tr",
      { "data-rule": rule.target },
      h("td", null, h("code", null, rule.target)),
      h("td", null, h("code", null, sourceText(rule))),
      h(
        "td",
        null,
        h(
          "div",
          { class: "chips" },
          transforms.map((t, at) =>
            h(
              "span",
              { class: "chip", title: byName.get(transformName(t))?.doc },
              transformLabel(t),
              h(
                "button",
                {
                  type: "button",
                  class: "chip-remove",
                  "aria-label": `Remove ${transformLabel(t)} from ${rule.target}`,
                  onclick: () =>
                    replaceRule(index, { ...rule, transforms: transforms.filter((_, i) => i !== at) }),
                },
                "×",
              ),
            ),
          ),
          args,
          picker,
        ),
      ),
      h(
        "td",
        null,
        h(
          "button",
          {
            type: "button",
            class: "link-button",
            "aria-label": `Remove the rule of ${rule.target}`,
            onclick: () => change(rules.filter((_, i) => i !== index)),
          },
          "Remove",
        ),
      ),
    );
  });
  mount(
    element,
    rules.length === 0
      ? h("p", { class: "muted" }, "No rule yet: connect a source field to a target field.")
      : h(
          "table",
          { class: "table rules-table" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, "Target"),
              h("th", null, "From"),
              h("th", null, "Transforms"),
              h("th", null, h("span", { class: "sr-only" }, "Actions")),
            ),
          ),
          h("tbody", null, rows),
        ),
  );
}
