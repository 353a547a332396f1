import { badge, h, json } from "../dom.js";

const duration = (value) => (value < 1000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`);

/**
 * A record's step waterfall (GET /runs/{id}/records/{key}/steps): one row per step, its bar
 * placed by start time and sized by duration against the record's whole span; each row opens
 * to its input, output (both redacted by the service) and error with its pointer.
 */
export function waterfall({ recordKey, steps }) {
  if (steps.length === 0) return h("p", { class: "muted" }, `No step trace for ${recordKey}.`);
  const starts = steps.map((s) => Date.parse(s.startedAt));
  const t0 = Math.min(...starts);
  const span = Math.max(1, ...steps.map((s, i) => starts[i] - t0 + s.durationMs));
  return h(
    "div",
    { class: "waterfall", "data-record-key": recordKey },
    h("h4", null, `Steps of ${recordKey}`),
    h(
      "ol",
      { class: "waterfall-rows" },
      steps.map((step, i) => {
        const left = ((starts[i] - t0) / span) * 100;
        const width = Math.max(0.5, (step.durationMs / span) * 100);
        return h(
          "li",
          { class: `waterfall-row end-${step.end}`, "data-step": step.step },
          h(
            "details",
            null,
            h(
              "summary",
              null,
              h(
                "span",
                { class: "waterfall-name" },
                step.step,
                h("span", { class: "muted small" }, ` ${step.kind}`),
              ),
              h(
                "span",
                { class: "waterfall-track", "aria-hidden": "true" },
                bar(left, Math.min(width, 100 - left)),
              ),
              h(
                "span",
                { class: "waterfall-meta" },
                badge(step.end),
                ` ${duration(step.durationMs)}`,
                step.attempts > 0 ? ` · ${step.attempts} attempt${step.attempts === 1 ? "" : "s"}` : "",
              ),
            ),
            step.error
              ? h(
                  "div",
                  { class: "problem", "data-testid": "step-error" },
                  h("strong", null, step.error.code),
                  " ",
                  step.error.message,
                  step.error.path ? h("span", null, " at ", h("code", null, step.error.path)) : null,
                )
              : null,
            h(
              "div",
              { class: "waterfall-values" },
              h("div", null, h("h5", null, "Input"), json(step.input)),
              "output" in step ? h("div", null, h("h5", null, "Output"), json(step.output)) : null,
            ),
          ),
        );
      }),
    ),
  );
}

/** The bar, placed through the CSSOM: the console's CSP (`style-src 'self'`) refuses style attributes. */
function bar(leftPercent, widthPercent) {
  const element = h("span", { class: "waterfall-bar" });
  element.style.left = `${leftPercent.toFixed(2)}%`;
  element.style.width = `${widthPercent.toFixed(2)}%`;
  return element;
}
