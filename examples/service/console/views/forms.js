import { ApiProblem } from "../api.js";
import { h, mount, toast } from "../dom.js";

/** A labelled field. */
export function field(label, control, hint) {
  return h(
    "label",
    { class: "field" },
    h("span", { class: "field-label" }, label),
    control,
    hint ? h("span", { class: "hint" }, hint) : null,
  );
}

/** A control of a filter bar with its label before it (the `.filters` row lays the pairs out). */
export function labelled(label, control) {
  return [h("label", { for: control.id }, label), control];
}

/** The options of a select from `[value, label]` pairs, the one equal to `selected` chosen. */
export function options(pairs, selected) {
  return pairs.map(([value, label]) => h("option", { value, selected: value === selected }, label));
}

/**
 * Runs a form action: disables the button meanwhile and shows a problem (with its pointer and
 * field errors) in the form's error box instead of losing it.
 */
export async function submit(button, errorBox, action) {
  button.disabled = true;
  mount(errorBox);
  try {
    await action();
  } catch (error) {
    const problem = error instanceof ApiProblem ? error.problem : { detail: error.message };
    mount(
      errorBox,
      h(
        "div",
        { class: "problem", role: "alert" },
        h("strong", null, problem.code ?? "Error"),
        " ",
        problem.detail,
        // One pointer without a list (a library error at one field): show where, too.
        !problem.errors?.length && problem.pointer
          ? h("div", null, "at ", h("code", null, problem.pointer))
          : null,
        problem.errors?.length
          ? h(
              "ul",
              null,
              problem.errors.map((e) => h("li", null, h("code", null, e.pointer || "/"), " ", e.detail)),
            )
          : null,
      ),
    );
    toast(problem.detail, "error");
  } finally {
    button.disabled = false;
  }
}

/**
 * A button of a table row that calls the API: disabled for roles without the right (the API
 * refuses them anyway), its problem shown in `errorBox` like a form's.
 */
export function rowAction(label, { allowed, name, ariaLabel, errorBox, run }) {
  const button = h(
    "button",
    {
      type: "button",
      class: "secondary small",
      disabled: !allowed,
      "data-action": name,
      ...(ariaLabel ? { "aria-label": ariaLabel } : {}),
    },
    label,
  );
  button.addEventListener("click", () => submit(button, errorBox, run));
  return button;
}

/** A table with a header row; the last column's header is for screen readers only when it holds actions. */
export function table(testId, headings, rows, { actions = false } = {}) {
  return h(
    "table",
    { class: "table", "data-testid": testId },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        headings.map((t) => h("th", null, t)),
        actions ? h("th", null, h("span", { class: "sr-only" }, "Actions")) : null,
      ),
    ),
    h("tbody", null, rows),
  );
}

/** The breadcrumb of a project's page: Projects / <project> / <page>. */
export function projectCrumbs(project, page) {
  return h(
    "div",
    { class: "crumbs" },
    h("a", { href: "#/" }, "Projects"),
    " / ",
    h("a", { href: `#/projects/${project.id}` }, project.name),
    ` / ${page}`,
  );
}
