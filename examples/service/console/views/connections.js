import { api, can } from "../api.js";
import { ago, badge, h, mount, toast } from "../dom.js";
import { field, submit } from "./forms.js";

/** Sends the browser to the provider; it comes back through the service's OAuth callback. */
function goToProvider(answer) {
  location.assign(answer.url);
}

/** A project's customer connections: their status, a Connect form, Reconnect and Revoke. */
export async function renderConnections(main, projectId) {
  const [project, connectors, connections] = await Promise.all([
    api.project(projectId),
    api.connectors(projectId),
    api.connections(projectId),
  ]);
  const names = new Map(connectors.map((c) => [c.id, c.name]));
  const editor = can("editor", projectId);
  const reload = () => renderConnections(main, projectId);
  const connector = h(
    "select",
    { name: "connectorRefId" },
    connectors.map((c) => h("option", { value: c.id }, `${c.name} (${c.type})`)),
  );
  const customer = h("input", { name: "customerId", placeholder: "cust_42", required: true });
  const errors = h("div");
  const connect = h("button", { type: "submit", class: "primary", disabled: !editor }, "Connect");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(connect, errors, async () =>
          goToProvider(
            await api.startConnection(projectId, {
              connectorRefId: connector.value,
              customerId: customer.value,
            }),
          ),
        );
      },
    },
    h("h2", null, "Connect a customer's account"),
    h(
      "p",
      { class: "muted" },
      "Opens the provider's sign-in; the customer grants access and comes back here.",
    ),
    h("div", { class: "row" }, field("Connector", connector), field("Customer id", customer)),
    errors,
    h("div", { class: "actions" }, connect),
  );
  const action = (label, name, run) => {
    const button = h("button", { type: "button", "data-action": name, disabled: !editor }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await run();
      } catch (error) {
        toast(error.message, "error");
        button.disabled = false;
      }
    });
    return button;
  };
  const row = (c) =>
    h(
      "tr",
      { "data-connection": c.id },
      h("td", null, c.customerId),
      h("td", null, names.get(c.connectorRefId) ?? c.connectorRefId),
      h("td", null, badge(c.status)),
      h("td", { class: "muted" }, c.lastRefreshAt ? ago(c.lastRefreshAt) : "—"),
      h("td", { class: "muted" }, c.lastError ? `${c.lastError.code}: ${c.lastError.message}` : "—"),
      h(
        "td",
        { class: "actions" },
        c.authType === "oauth2"
          ? action("Reconnect", "reconnect", async () => goToProvider(await api.reconnectConnection(c.id)))
          : null,
        c.status === "REVOKED"
          ? null
          : action("Revoke", "revoke", async () => {
              await api.revokeConnection(c.id);
              toast(`Connection of ${c.customerId} revoked`);
              await reload();
            }),
      ),
    );
  mount(
    main,
    h(
      "div",
      { class: "crumbs" },
      h("a", { href: "#/" }, "Projects"),
      " / ",
      h("a", { href: `#/projects/${projectId}` }, project.name),
      " / Connections",
    ),
    h("h1", null, "Connections"),
    h(
      "div",
      { class: "card" },
      connections.items.length === 0
        ? h("p", { class: "muted" }, "No customer is connected yet.")
        : h(
            "table",
            { class: "table", "data-testid": "connections" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Customer", "Connector", "Status", "Last refresh", "Last error", "Actions"].map((t) =>
                  h("th", null, t),
                ),
              ),
            ),
            h("tbody", null, connections.items.map(row)),
          ),
    ),
    form,
  );
}
