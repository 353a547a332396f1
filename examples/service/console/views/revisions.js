import { api, parseJsonField } from "../api.js";
import { ago, h, json, mount, toast } from "../dom.js";
import { field, submit } from "./forms.js";
import { pretty } from "./samples.js";

/** Value at a JSON pointer, for the "before" side of a diff line. */
function at(document, pointer) {
  if (pointer === "") return document;
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), document);
}

const short = (value) => (value === undefined ? "" : JSON.stringify(value));

/** The revision history, a diff between two revisions, and an edit form (a merge patch). */
export async function renderRevisions(body, { blueprint, refresh }) {
  const revisions = (await api.revisions(blueprint.id)).items;
  const numbers = revisions.map((r) => r.revision);
  const from = h(
    "select",
    { name: "from" },
    numbers.map((n) =>
      h("option", { value: n, selected: n === Math.max(1, blueprint.revision - 1) }, `r${n}`),
    ),
  );
  const to = h(
    "select",
    { name: "to" },
    numbers.map((n) => h("option", { value: n, selected: n === blueprint.revision }, `r${n}`)),
  );
  const diffView = h("div", { class: "diff", "data-testid": "diff" });
  const showDiff = async () => {
    const [patch, before] = await Promise.all([
      api.diff(blueprint.id, from.value, to.value),
      api.revision(blueprint.id, Number(from.value)),
    ]);
    mount(
      diffView,
      patch.operations.length === 0
        ? h("p", { class: "muted" }, `r${from.value} and r${to.value} have the same body.`)
        : h(
            "table",
            { class: "table diff-table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", null, "Change"),
                h("th", null, "Path"),
                h("th", null, `r${from.value}`),
                h("th", null, `r${to.value}`),
              ),
            ),
            h(
              "tbody",
              null,
              patch.operations.map((op) =>
                h(
                  "tr",
                  { class: `diff-${op.op}` },
                  h("td", null, h("span", { class: `op op-${op.op}` }, op.op)),
                  h("td", null, h("code", null, op.path)),
                  h("td", { class: "before" }, op.op === "add" ? "" : short(at(before.body, op.path))),
                  h("td", { class: "after" }, op.op === "remove" ? "" : short(op.value)),
                ),
              ),
            ),
          ),
    );
  };
  from.addEventListener("change", showDiff);
  to.addEventListener("change", showDiff);

  const patch = h(
    "textarea",
    { name: "patch", rows: 6, spellcheck: "false" },
    pretty({ description: "edited in the console", tags: ["console"] }),
  );
  const message = h("input", { name: "message", placeholder: "What changed" });
  const errors = h("div");
  const save = h("button", { type: "submit", class: "primary" }, "Save as new revision");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(save, errors, async () => {
          const edited = await api.editBlueprint(blueprint.id, {
            expectedRevision: blueprint.revision,
            patch: parseJsonField(patch.value, "Merge patch"),
            ...(message.value ? { message: message.value } : {}),
          });
          toast(`Saved revision r${edited.revision}`);
          await refresh();
        });
      },
    },
    h("h2", null, "Edit"),
    h(
      "p",
      { class: "muted" },
      `A JSON Merge Patch (RFC 7386) of the body of r${blueprint.revision}; if someone saved since, you get a conflict instead of overwriting.`,
    ),
    field("Merge patch", patch),
    field("Message", message),
    errors,
    h("div", { class: "actions" }, save),
  );

  mount(
    body,
    h(
      "div",
      { class: "card" },
      h("h2", null, "History"),
      h(
        "ol",
        { class: "history" },
        [...revisions]
          .reverse()
          .map((r) =>
            h(
              "li",
              { class: r.revision === blueprint.revision ? "current" : "" },
              h("strong", null, `r${r.revision}`),
              r.revision === blueprint.approvedRevision
                ? h("span", { class: "badge badge-approved" }, "APPROVED")
                : null,
              " ",
              r.message ?? "",
              h(
                "span",
                { class: "muted small" },
                ` · ${r.author} · ${ago(r.createdAt)} · ${r.contentHash.slice(7, 19)}`,
              ),
            ),
          ),
      ),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", null, "Compare"),
      numbers.length < 2
        ? h("p", { class: "muted" }, "Only one revision so far: edit the blueprint to compare.")
        : [h("div", { class: "row compact" }, field("From", from), field("To", to)), diffView],
    ),
    form,
    h("details", { class: "card" }, h("summary", null, "Head body"), json(revisions.at(-1)?.body)),
  );
  if (numbers.length >= 2) await showDiff().catch((error) => toast(error.message, "error"));
}
