import { api, can } from "../api.js";
import { badge, h, json, mount, toast } from "../dom.js";
import { renderDeadLetters } from "./dead-letters.js";
import { submit } from "./forms.js";
import { renderMappingBuilder } from "./mapping-builder.js";
import { renderPlayground } from "./playground.js";
import { renderRevisions } from "./revisions.js";
import { renderRuns } from "./runs.js";

const TABS = [
  ["overview", "Overview"],
  ["revisions", "Revisions"],
  ["builder", "Mapping builder"],
  ["playground", "Mapping playground"],
  ["runs", "Runs"],
  ["dead-letters", "Dead letters"],
];

/** The last validation report per blueprint, shown on the overview until the next edit. */
const reports = new Map();

/** A blueprint: header with status and lifecycle actions, then one tab. */
export async function renderBlueprint(main, id, tab, item, refresh) {
  const blueprint = await api.blueprint(id);
  const [head, project, connectors] = await Promise.all([
    api.revision(id, blueprint.revision),
    api.project(blueprint.projectId),
    api.connectors(blueprint.projectId),
  ]);
  const connectorName = (connectorId) => {
    const found = connectors.find((c) => c.id === connectorId);
    return found ? `${found.name} (${found.type})` : connectorId;
  };
  const errors = h("div");
  const validate = h("button", { class: "secondary", "data-action": "validate" }, "Validate");
  const approved = blueprint.status === "APPROVED" && blueprint.approvedRevision === blueprint.revision;
  // Approval needs the approver role (the API refuses others with a 403 as well).
  const mayApprove = can("approver", blueprint.projectId);
  const approve = h(
    "button",
    {
      class: "primary",
      "data-action": "approve",
      disabled: approved || !mayApprove,
      title: mayApprove ? undefined : "Approving needs the approver role in this project",
    },
    approved ? "Approved" : "Approve",
  );
  validate.addEventListener("click", () =>
    submit(validate, errors, async () => {
      const report = await api.validate(id);
      reports.set(id, report);
      toast(
        report.ok ? `Revision ${report.revision} is valid` : `Revision ${report.revision} has errors`,
        report.ok ? "info" : "error",
      );
      location.hash = `#/blueprints/${id}/overview`;
      await refresh();
    }),
  );
  approve.addEventListener("click", () =>
    submit(approve, errors, async () => {
      const result = await api.approve(id);
      toast(`Revision ${result.approvedRevision} approved`);
      await refresh();
    }),
  );
  const body = h("section", { class: "tab-body" });
  mount(
    main,
    h(
      "div",
      { class: "crumbs" },
      h("a", { href: "#/" }, "Projects"),
      " / ",
      h("a", { href: `#/projects/${blueprint.projectId}` }, project.name),
      " / ",
      blueprint.name,
    ),
    h(
      "div",
      { class: "blueprint-head" },
      h(
        "div",
        null,
        h("h1", null, blueprint.name, " ", badge(blueprint.status)),
        h(
          "p",
          { class: "muted" },
          `head revision r${blueprint.revision}`,
          blueprint.approvedRevision ? ` · runs r${blueprint.approvedRevision}` : " · not approved yet",
          ` · ${blueprint.contentHash.slice(0, 19)}…`,
        ),
      ),
      h(
        "div",
        { class: "actions" },
        validate,
        approve,
        h("a", { class: "button secondary", href: api.exportUrl(id), download: "" }, "Export zip"),
      ),
    ),
    errors,
    h(
      "nav",
      { class: "tabs", role: "tablist" },
      TABS.map(([key, label]) =>
        h(
          "a",
          {
            href: `#/blueprints/${id}/${key}`,
            "data-tab": key,
            role: "tab",
            class: key === tab ? "active" : "",
            "aria-selected": key === tab ? "true" : "false",
          },
          label,
        ),
      ),
    ),
    body,
  );
  const context = { blueprint, head, connectors, connectorName, refresh };
  if (tab === "revisions") await renderRevisions(body, context);
  else if (tab === "builder") await renderMappingBuilder(body, context);
  else if (tab === "playground") await renderPlayground(body, context);
  else if (tab === "runs") await renderRuns(body, context, item);
  else if (tab === "dead-letters") await renderDeadLetters(body, context);
  else renderOverview(body, context);
}

function renderOverview(body, { blueprint, head, connectorName }) {
  const report = reports.get(blueprint.id);
  const current = report && report.revision === blueprint.revision ? report : undefined;
  const spec = head.body;
  mount(
    body,
    h(
      "div",
      { class: "card" },
      h("h2", null, "Validation"),
      current === undefined
        ? h(
            "p",
            { class: "muted" },
            "Not validated in this session. Validate checks the head revision; a clean one moves DRAFT → VALIDATED.",
          )
        : h(
            "div",
            { class: "report", "data-ok": String(current.ok) },
            h(
              "p",
              null,
              current.ok ? "✔ No errors" : "✖ Errors found",
              ` in r${current.revision} — ${current.summary.error} error(s), ${current.summary.warning} warning(s)`,
            ),
            h(
              "ul",
              { class: "issues" },
              current.issues.map((issue) =>
                h(
                  "li",
                  { class: `issue issue-${issue.severity}` },
                  h("span", { class: "sev" }, issue.severity),
                  h("code", null, issue.path || "/"),
                  " ",
                  issue.message,
                  issue.hint ? h("div", { class: "hint" }, issue.hint) : null,
                ),
              ),
            ),
          ),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", null, "Flow"),
      h(
        "ol",
        { class: "flow" },
        h(
          "li",
          null,
          h("span", { class: "step-kind" }, "source"),
          " ",
          h("strong", null, connectorName(spec.source.connector)),
        ),
        spec.steps.map((step) =>
          h(
            "li",
            null,
            h("span", { class: "step-kind" }, step.kind),
            " ",
            step.id,
            step.mapping ? ` → mapping ${step.mapping}` : "",
            step.connector ? [" → ", h("strong", null, connectorName(step.connector))] : null,
          ),
        ),
      ),
      spec.description ? h("p", { class: "muted" }, spec.description) : null,
      spec.idempotencyKey ? h("p", null, "Idempotency key: ", h("code", null, spec.idempotencyKey)) : null,
    ),
    h(
      "div",
      { class: "card" },
      h("h2", null, "Mapping rules"),
      spec.mappings.map((mapping) =>
        h(
          "table",
          { class: "table" },
          h(
            "thead",
            null,
            h("tr", null, h("th", null, "Target"), h("th", null, "From"), h("th", null, "Transforms")),
          ),
          h(
            "tbody",
            null,
            (mapping.rules ?? []).map((rule) =>
              h(
                "tr",
                null,
                h("td", null, h("code", null, rule.target)),
                h("td", null, h("code", null, rule.from ?? rule.expr ?? JSON.stringify(rule.const))),
                h(
                  "td",
                  null,
                  (rule.transforms ?? [])
                    .map((t) => (typeof t === "string" ? t : `${t.fn}(${(t.args ?? []).join(", ")})`))
                    .join(" → ") || "—",
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    h("details", { class: "card" }, h("summary", null, `Body of r${head.revision}`), json(spec)),
  );
}
