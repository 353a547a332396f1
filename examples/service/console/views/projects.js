import { api, parseJsonField } from "../api.js";
import { ago, badge, h, mount, toast } from "../dom.js";
import { field, submit } from "./forms.js";
import { orderSchema, pretty, salesOrderSchema } from "./samples.js";

/** Home: the projects and a form for a new one. */
export async function renderHome(main, refresh) {
  const projects = (await api.projects()).items;
  const name = h("input", { name: "projectName", placeholder: "Shop → ERP", required: true });
  const description = h("input", {
    name: "projectDescription",
    placeholder: "What this integration effort is for",
  });
  const errors = h("div");
  const create = h("button", { type: "submit", class: "primary" }, "Create project");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(create, errors, async () => {
          const project = await api.createProject({
            name: name.value,
            ...(description.value ? { description: description.value } : {}),
          });
          // Every console project gets a source (memory) and a target you can make fail (sandbox).
          await api.addConnector(project.id, { type: "memory", name: "Shop", config: { channel: "orders" } });
          await api.addConnector(project.id, {
            type: "sandbox",
            name: "ERP",
            config: { channel: `erp-${project.id.slice(-8)}` },
          });
          toast(`Project "${project.name}" created`);
          location.hash = `#/projects/${project.id}`;
          await refresh();
        });
      },
    },
    h("h2", null, "New project"),
    h(
      "p",
      { class: "muted" },
      "Comes with two connectors: a Shop source and a sandbox ERP target whose failures you control.",
    ),
    h("div", { class: "row" }, field("Name", name), field("Description", description)),
    errors,
    h("div", { class: "actions" }, create),
  );
  mount(
    main,
    h("h1", null, "Projects"),
    h(
      "div",
      { class: "grid" },
      projects.map((project) =>
        h(
          "a",
          { class: "card project-card", href: `#/projects/${project.id}` },
          h("h3", null, project.name),
          h("p", { class: "muted" }, project.description ?? "—"),
          h("span", { class: "small muted" }, `created ${ago(project.createdAt)}`),
        ),
      ),
    ),
    form,
  );
}

/** A project: its connectors, its blueprints and a form generating a new one. */
export async function renderProject(main, projectId, refresh) {
  const [project, connectors, blueprints] = await Promise.all([
    api.project(projectId),
    api.connectors(projectId),
    api.blueprints(projectId),
  ]);
  const options = (preferred) =>
    connectors.map((c) =>
      h("option", { value: c.id, selected: c.type === preferred }, `${c.name} (${c.type})`),
    );
  const name = h("input", { name: "blueprintName", value: "Orders to ERP" });
  const intent = h("input", { name: "intent", value: "send every shop order to the ERP as a sales order" });
  const source = h("select", { name: "source" }, options("memory"));
  const target = h("select", { name: "target" }, options("sandbox"));
  const sourceSchema = h(
    "textarea",
    { name: "sourceSchema", rows: 12, spellcheck: "false" },
    pretty(orderSchema),
  );
  const targetSchema = h(
    "textarea",
    { name: "targetSchema", rows: 12, spellcheck: "false" },
    pretty(salesOrderSchema),
  );
  const errors = h("div");
  const generate = h("button", { type: "submit", class: "primary" }, "Generate draft");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(generate, errors, async () => {
          const blueprint = await api.generateBlueprint(projectId, {
            name: name.value,
            intent: intent.value,
            source: { connector: source.value, schema: parseJsonField(sourceSchema.value, "Source schema") },
            target: { connector: target.value, schema: parseJsonField(targetSchema.value, "Target schema") },
          });
          toast(`Draft "${blueprint.name}" generated`);
          location.hash = `#/blueprints/${blueprint.id}`;
          await refresh();
        });
      },
    },
    h("h2", null, "New blueprint"),
    h(
      "p",
      { class: "muted" },
      "The mapping is proposed from the two schemas and your intent; you review it as a draft.",
    ),
    h("div", { class: "row" }, field("Name", name), field("Intent", intent)),
    h("div", { class: "row" }, field("Source connector", source), field("Target connector", target)),
    h(
      "div",
      { class: "row" },
      field("Source record schema", sourceSchema),
      field("Target record schema", targetSchema),
    ),
    errors,
    h("div", { class: "actions" }, generate),
  );
  mount(
    main,
    h("div", { class: "crumbs" }, h("a", { href: "#/" }, "Projects"), " / ", project.name),
    h("h1", null, project.name),
    project.description ? h("p", { class: "muted" }, project.description) : null,
    h(
      "div",
      { class: "card" },
      h("h2", null, "Blueprints"),
      blueprints.items.length === 0
        ? h("p", { class: "muted" }, "None yet: generate one below.")
        : h(
            "table",
            { class: "table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", null, "Name"),
                h("th", null, "Status"),
                h("th", null, "Revision"),
                h("th", null, "Updated"),
              ),
            ),
            h(
              "tbody",
              null,
              blueprints.items.map((b) =>
                h(
                  "tr",
                  null,
                  h("td", null, h("a", { href: `#/blueprints/${b.id}` }, b.name)),
                  h("td", null, badge(b.status)),
                  h(
                    "td",
                    null,
                    `r${b.revision}${b.approvedRevision ? ` (approved r${b.approvedRevision})` : ""}`,
                  ),
                  h("td", { class: "muted" }, ago(b.updatedAt)),
                ),
              ),
            ),
          ),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", null, "Connectors"),
      h(
        "p",
        null,
        h("a", { href: `#/projects/${projectId}/connections` }, "Customer connections →"),
        " · ",
        h("a", { href: `#/projects/${projectId}/alerts` }, "Alerts →"),
        " · ",
        h("a", { href: `#/projects/${projectId}/schedules` }, "Schedules →"),
        " · ",
        h("a", { href: `#/projects/${projectId}/connectors` }, "Connector refs →"),
        " · ",
        h("a", { href: `#/projects/${projectId}/environments` }, "Environments →"),
      ),
      h(
        "ul",
        { class: "plain" },
        connectors.map((c) =>
          h(
            "li",
            null,
            h("strong", null, c.name),
            " ",
            h("code", null, c.type),
            " ",
            h("span", { class: "muted small" }, JSON.stringify(c.config)),
          ),
        ),
      ),
    ),
    form,
  );
}
