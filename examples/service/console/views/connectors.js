// A project's connector refs: type, name and config, with a form to add one or edit one. Config
// values under credential-looking keys come back as [REDACTED:secret]: the service keeps the
// stored value when the marker is saved unchanged, so they are write-only here.

import { api, can, parseJsonField } from "../api.js";
import { h, mount, toast } from "../dom.js";
import { field, projectCrumbs, rowAction, submit, table } from "./forms.js";

function connectorForm(projectId, allowed, reload) {
  let editing; // the id of the ref being edited, if any
  const type = h("input", { name: "type", placeholder: "memory, sandbox, slack…", required: true });
  const name = h("input", { name: "name", placeholder: "Shop", required: true });
  const config = h("textarea", { name: "config", rows: "5", spellcheck: "false" }, "{}");
  const title = h("h2", null, "New connector ref");
  const errors = h("div");
  const save = h("button", { type: "submit", class: "primary", disabled: !allowed }, "Add connector ref");
  const form = h(
    "form",
    {
      class: "card form",
      "aria-label": "Connector ref",
      onsubmit: (event) => {
        event.preventDefault();
        submit(save, errors, async () => {
          const ref = await api.addConnector(projectId, {
            ...(editing ? { id: editing } : {}),
            type: type.value.trim(),
            name: name.value.trim(),
            config: parseJsonField(config.value, "Config"),
          });
          toast(`Connector ref "${ref.name}" saved`);
          await reload();
        });
      },
    },
    title,
    h("div", { class: "row" }, field("Type", type), field("Name", name)),
    field(
      "Config (JSON)",
      config,
      "Secrets (password, apiKey, token…) are write-only: they show as [REDACTED:secret]; keep the marker to keep the stored value.",
    ),
    errors,
    h("div", { class: "actions" }, save),
  );
  /** Fills the form with a ref to edit it. */
  const edit = (ref) => {
    editing = ref.id;
    type.value = ref.type;
    name.value = ref.name;
    config.value = JSON.stringify(ref.config, null, 2);
    title.textContent = `Edit ${ref.name}`;
    save.textContent = "Save changes";
    name.focus();
  };
  return { form, edit };
}

export async function renderConnectors(main, projectId) {
  const [project, connectors] = await Promise.all([api.project(projectId), api.connectors(projectId)]);
  const allowed = can("editor", projectId);
  const { form, edit } = connectorForm(projectId, allowed, () => renderConnectors(main, projectId));
  const row = (ref) =>
    h(
      "tr",
      { "data-connector": ref.id },
      h("td", null, ref.name),
      h("td", null, h("code", null, ref.type)),
      h("td", null, h("code", { class: "wrap" }, JSON.stringify(ref.config))),
      h(
        "td",
        null,
        rowAction("Edit", {
          allowed,
          name: "edit",
          ariaLabel: `Edit ${ref.name}`,
          errorBox: h("div"),
          run: async () => edit(ref),
        }),
      ),
    );
  mount(
    main,
    projectCrumbs(project, "Connector refs"),
    h("h1", null, "Connector refs"),
    h(
      "div",
      { class: "card" },
      connectors.length === 0
        ? h("p", { class: "muted" }, "No connector ref yet.")
        : table("connectors", ["Name", "Type", "Config"], connectors.map(row), { actions: true }),
    ),
    form,
  );
}
