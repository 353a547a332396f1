import { api } from "../api.js";
import { badge, h, mount } from "../dom.js";

/** Projects with their blueprints and statuses; the current one highlighted. */
export async function renderSidebar(element, hash) {
  const withBlueprints = await api.projectsWithBlueprints();
  mount(
    element,
    h(
      "div",
      { class: "sidebar-head" },
      h("span", null, "Projects"),
      h("a", { href: "#/", class: "link-button" }, "+ New"),
    ),
    h(
      "nav",
      { class: "sidebar-links", "aria-label": "Operations" },
      h(
        "a",
        { href: "#/runs", class: `tree-project${hash.startsWith("#/runs") ? " active" : ""}` },
        "All runs",
      ),
      h(
        "a",
        { href: "#/queue", class: `tree-project${hash.startsWith("#/queue") ? " active" : ""}` },
        "Run queue",
      ),
    ),
    withBlueprints.length === 0 ? h("p", { class: "muted small" }, "No projects yet.") : null,
    h(
      "ul",
      { class: "tree" },
      withBlueprints.map(({ project, blueprints }) =>
        h(
          "li",
          null,
          h(
            "a",
            {
              href: `#/projects/${project.id}`,
              class: `tree-project${hash.includes(project.id) ? " active" : ""}`,
            },
            project.name,
          ),
          h(
            "ul",
            null,
            blueprints.map((blueprint) =>
              h(
                "li",
                null,
                h(
                  "a",
                  {
                    href: `#/blueprints/${blueprint.id}`,
                    class: `tree-blueprint${hash.includes(blueprint.id) ? " active" : ""}`,
                  },
                  h("span", { class: "ellipsis" }, blueprint.name),
                  badge(blueprint.status),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
