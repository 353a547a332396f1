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
