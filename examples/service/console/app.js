// The console: a hash router over a few views. No framework; every view is a function that
// renders into the main element from the service API.

import { api } from "./api.js";
import { h, mount, toast } from "./dom.js";
import { renderBlueprint } from "./views/blueprint.js";
import { renderHome, renderProject } from "./views/projects.js";
import { renderSidebar } from "./views/sidebar.js";

const main = document.getElementById("main");
const sidebar = document.getElementById("sidebar");

/** What views call after a change: re-render the sidebar (statuses) and the current route. */
export async function refresh() {
  await Promise.all([renderSidebar(sidebar, location.hash), route()]);
}

async function route() {
  const [, kind, id, tab, item] = location.hash.split("/");
  try {
    if (kind === "projects" && id) await renderProject(main, decodeURIComponent(id), refresh);
    else if (kind === "blueprints" && id)
      await renderBlueprint(main, decodeURIComponent(id), tab ?? "overview", item, refresh);
    else await renderHome(main, refresh);
  } catch (error) {
    mount(
      main,
      h(
        "div",
        { class: "card error-card" },
        h("h2", null, "Something went wrong"),
        h("p", null, error.message),
      ),
    );
    toast(error.message, "error");
  }
}

async function showHealth() {
  const target = document.getElementById("health");
  try {
    const health = await api.health();
    mount(
      target,
      h("span", { class: `dot ${health.ok ? "ok" : "bad"}` }),
      `${health.ok ? "healthy" : "unhealthy"} · ${health.engines}`,
    );
  } catch {
    mount(target, h("span", { class: "dot bad" }), "service unreachable");
  }
}

window.addEventListener("hashchange", () => {
  renderSidebar(sidebar, location.hash);
  route();
});
showHealth();
refresh();
