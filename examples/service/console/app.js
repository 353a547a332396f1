// The console: a hash router over a few views. No framework; every view is a function that
// renders into the main element from the service API.

import { api, session } from "./api.js";
import { h, mount, toast } from "./dom.js";
import { connectLive, disconnectLive } from "./live.js";
import { renderAlerts } from "./views/alerts.js";
import { renderAllRuns } from "./views/all-runs.js";
import { renderBlueprint } from "./views/blueprint.js";
import { renderConnections } from "./views/connections.js";
import { renderConnectors } from "./views/connectors.js";
import { renderEnvironments } from "./views/environments.js";
import { renderLogin } from "./views/login.js";
import { renderHome, renderProject } from "./views/projects.js";
import { renderQueue } from "./views/queue.js";
import { renderSchedules } from "./views/schedules.js";
import { renderSidebar } from "./views/sidebar.js";

const main = document.getElementById("main");
const sidebar = document.getElementById("sidebar");

/** What views call after a change: re-render the sidebar (statuses) and the current route. */
export async function refresh() {
  await Promise.all([renderSidebar(sidebar, location.hash), route()]);
}

async function route() {
  // A list's filters ride after `?` in the hash (`#/runs?status=FAILED`), so a filtered view reloads as it was.
  const [path, search = ""] = location.hash.split("?");
  const [, kind, id, tab, item] = path.split("/");
  try {
    if (kind === "projects" && id && tab === "alerts") await renderAlerts(main, decodeURIComponent(id));
    else if (kind === "projects" && id && tab === "connections")
      await renderConnections(main, decodeURIComponent(id));
    else if (kind === "projects" && id && tab === "schedules")
      await renderSchedules(main, decodeURIComponent(id));
    else if (kind === "projects" && id && tab === "connectors")
      await renderConnectors(main, decodeURIComponent(id));
    else if (kind === "projects" && id && tab === "environments")
      await renderEnvironments(main, decodeURIComponent(id));
    else if (kind === "projects" && id) await renderProject(main, decodeURIComponent(id), refresh);
    else if (kind === "runs") await renderAllRuns(main, Object.fromEntries(new URLSearchParams(search)));
    else if (kind === "queue") await renderQueue(main);
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

/** The signed-in user and a sign-out button in the top bar. */
function showUser() {
  const target = document.getElementById("user");
  if (!session.name) return mount(target);
  const signOut = h(
    "button",
    { type: "button", class: "link-button", "data-action": "sign-out" },
    "Sign out",
  );
  signOut.addEventListener("click", async () => {
    await api.logout().catch(() => undefined);
    signIn();
  });
  mount(target, h("span", { class: "muted" }, session.name), signOut);
}

/** The login form in place of the console, until a session exists. */
function signIn() {
  disconnectLive();
  mount(sidebar);
  mount(document.getElementById("user"));
  renderLogin(main, () => {
    showUser();
    connectLive();
    refresh();
  });
}

window.addEventListener("hashchange", () => {
  if (!session.name) return;
  renderSidebar(sidebar, location.hash);
  route();
});
window.addEventListener("synapseops:signed-out", () => {
  if (session.name) {
    session.name = undefined;
    signIn();
  }
});
showHealth();
// Back from an OAuth provider: the callback says how the connect flow ended.
const oauthOutcome = new URLSearchParams(location.search);
if (oauthOutcome.has("error")) toast(`The connection failed (${oauthOutcome.get("error")})`, "error");
if (oauthOutcome.has("connection")) toast("Account connected");
api.session().then(
  () => {
    showUser();
    connectLive();
    refresh();
  },
  () => signIn(),
);
