// DOM helpers: elements are built with properties and text nodes, never from HTML strings, so
// record data shown in the console cannot inject markup.

/**
 * Creates an element. `props`: attributes (`class`, `data-*`, `aria-*`…), `on*` handlers,
 * `value`/`checked` as properties. Children: nodes, strings, numbers, arrays, null/false (skipped).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked" || key === "disabled") element[key] = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** The same for SVG elements (charts). */
export function s(tag, props, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value !== undefined && value !== null) element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function mount(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/** A status badge: DRAFT, APPROVED, SUCCEEDED, FAILED… */
export function badge(status) {
  return h("span", { class: `badge badge-${String(status).toLowerCase()}`, "data-status": status }, status);
}

/** Pretty JSON in a code block. */
export function json(value) {
  return h("pre", { class: "json" }, value === undefined ? "undefined" : JSON.stringify(value, null, 2));
}

/** "3 s ago", "12 min ago" — enough for a console. */
export function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

/** A short transient message at the bottom of the page. */
export function toast(message, kind = "info") {
  const host = document.getElementById("toasts");
  const item = h("div", { class: `toast toast-${kind}`, role: "status" }, message);
  host?.append(item);
  setTimeout(() => item.remove(), 5000);
}
