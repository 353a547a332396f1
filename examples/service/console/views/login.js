// The sign-in form: a name and a password; the service answers with an HttpOnly session cookie
// and the CSRF token the console sends with every change.

import { api } from "../api.js";
import { h, mount } from "../dom.js";

/** Renders the form into `element`; calls `done` once signed in. */
export function renderLogin(element, done) {
  const error = h("p", { class: "form-error", role: "alert" });
  const name = h("input", { name: "username", id: "login-name", autocomplete: "username", required: true });
  const password = h("input", {
    name: "password",
    id: "login-password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const form = h(
    "form",
    { class: "card login", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, "Sign in"),
    h("label", { for: "login-name" }, "Name"),
    name,
    h("label", { for: "login-password" }, "Password"),
    password,
    error,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await api.login(name.value, password.value);
      done();
    } catch (problem) {
      error.textContent = problem.message;
    }
  });
  mount(element, form);
  name.focus();
}
