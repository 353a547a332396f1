// A project's environments: where its connectors point (kind, base URL), plain variables and the
// names of the secrets the host resolves. Saving an existing name replaces that environment.

import { api, can, parseJsonField } from "../api.js";
import { ago, h, mount, toast } from "../dom.js";
import { field, projectCrumbs, rowAction, submit, table } from "./forms.js";

const KINDS = ["mock", "sandbox", "uat", "production", "custom"];

function environmentForm(projectId, allowed, reload) {
  const name = h("input", {
    name: "name",
    placeholder: "uat",
    required: true,
    pattern: "[a-z][a-z0-9_\\-]*",
  });
  const kind = h(
    "select",
    { name: "kind" },
    KINDS.map((k) => h("option", { value: k }, k)),
  );
  const baseUrl = h("input", { name: "baseUrl", type: "url", placeholder: "https://uat.example.com" });
  const variables = h("textarea", { name: "variables", rows: "3", spellcheck: "false" }, "{}");
  const secrets = h("textarea", { name: "secrets", rows: "3", spellcheck: "false" }, "{}");
  const errors = h("div");
  const save = h("button", { type: "submit", class: "primary", disabled: !allowed }, "Save environment");
  const form = h(
    "form",
    {
      class: "card form",
      "aria-label": "Environment",
      onsubmit: (event) => {
        event.preventDefault();
        submit(save, errors, async () => {
          await api.putEnvironment(projectId, name.value.trim(), {
            kind: kind.value,
            ...(baseUrl.value.trim() ? { baseUrl: baseUrl.value.trim() } : {}),
            variables: parseJsonField(variables.value, "Variables"),
            secrets: parseJsonField(secrets.value, "Secrets"),
          });
          toast(`Environment "${name.value.trim()}" saved`);
          await reload();
        });
      },
    },
    h("h2", null, "Add or replace an environment"),
    h("div", { class: "row" }, field("Name", name), field("Kind", kind)),
    field("Base URL (optional)", baseUrl),
    h(
      "div",
      { class: "row" },
      field("Variables (JSON)", variables, "plain values, visible in logs"),
      field("Secrets (JSON)", secrets, "logical name → the key your secret provider resolves; no values"),
    ),
    errors,
    h("div", { class: "actions" }, save),
  );
  const edit = (env) => {
    name.value = env.name;
    kind.value = env.kind;
    baseUrl.value = env.baseUrl ?? "";
    variables.value = JSON.stringify(env.variables, null, 2);
    secrets.value = JSON.stringify(env.secrets, null, 2);
    name.focus();
  };
  return { form, edit };
}

export async function renderEnvironments(main, projectId) {
  const [project, environments] = await Promise.all([api.project(projectId), api.environments(projectId)]);
  const allowed = can("editor", projectId);
  const { form, edit } = environmentForm(projectId, allowed, () => renderEnvironments(main, projectId));
  const row = (env) =>
    h(
      "tr",
      { "data-environment": env.name },
      h("td", null, h("strong", null, env.name)),
      h("td", null, env.kind),
      h("td", null, env.baseUrl ? h("code", { class: "wrap" }, env.baseUrl) : "—"),
      h("td", null, h("code", { class: "wrap" }, JSON.stringify(env.variables))),
      h("td", null, Object.keys(env.secrets).join(", ") || "—"),
      h("td", { class: "muted" }, ago(env.updatedAt)),
      h(
        "td",
        null,
        rowAction("Edit", {
          allowed,
          name: "edit",
          ariaLabel: `Edit ${env.name}`,
          errorBox: h("div"),
          run: async () => edit(env),
        }),
      ),
    );
  mount(
    main,
    projectCrumbs(project, "Environments"),
    h("h1", null, "Environments"),
    h(
      "div",
      { class: "card" },
      environments.length === 0
        ? h("p", { class: "muted" }, "No environment yet.")
        : table(
            "environments",
            ["Name", "Kind", "Base URL", "Variables", "Secrets", "Updated"],
            environments.map(row),
            {
              actions: true,
            },
          ),
    ),
    form,
  );
}
