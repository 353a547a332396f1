// A project's schedules, across its blueprints: timing, state, next fire and last ticks; a form to
// create one (cron in a time zone, or an interval), and pause / resume / delete per row.

import { api, can } from "../api.js";
import { badge, h, mount, toast } from "../dom.js";
import { field, projectCrumbs, rowAction, submit, table } from "./forms.js";

const LAST_FIRES = 3;

/** "0 3 * * * · Europe/Paris" or "every 15 min". */
function timingText(timing) {
  if ("cron" in timing) return `${timing.cron} · ${timing.timeZone}`;
  const seconds = timing.everyMs / 1000;
  return seconds % 60 === 0 ? `every ${seconds / 60} min` : `every ${seconds} s`;
}

const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The schedule with what the page shows beside it: its next fire and its last ticks. */
async function withTicks(schedule) {
  const [{ nextFireTimes }, fires] = await Promise.all([
    api.schedule(schedule.id),
    api.scheduleFires(schedule.id, LAST_FIRES),
  ]);
  return { schedule, next: nextFireTimes[0], fires: fires.items };
}

function scheduleForm(blueprints, allowed, reload) {
  const blueprint = h(
    "select",
    { name: "blueprintId" },
    blueprints.map((b) => h("option", { value: b.id }, b.name)),
  );
  const name = h("input", { name: "name", placeholder: "nightly import" });
  const repeat = h(
    "select",
    { name: "repeat" },
    h("option", { value: "cron" }, "cron expression"),
    h("option", { value: "interval" }, "fixed interval"),
  );
  const cron = h("input", { name: "cron", value: "0 * * * *", required: true });
  const timeZone = h("input", { name: "timeZone", value: "UTC", required: true });
  const everyMinutes = h("input", { name: "everyMinutes", type: "number", min: "1", value: "15" });
  const cronFields = h(
    "div",
    { class: "row" },
    field("Cron expression", cron, "minute hour day month weekday, or @hourly"),
    field("Time zone", timeZone, "IANA name: Europe/Paris, America/New_York…"),
  );
  const intervalFields = h("div", { class: "row compact", hidden: true }, field("Every (min)", everyMinutes));
  repeat.addEventListener("change", () => {
    cronFields.hidden = repeat.value !== "cron";
    intervalFields.hidden = repeat.value === "cron";
  });
  const errors = h("div");
  const create = h(
    "button",
    { type: "submit", class: "primary", disabled: !allowed || blueprints.length === 0 },
    "Create schedule",
  );
  return h(
    "form",
    {
      class: "card form",
      "aria-label": "New schedule",
      onsubmit: (event) => {
        event.preventDefault();
        submit(create, errors, async () => {
          const timing =
            repeat.value === "cron"
              ? { cron: cron.value, timeZone: timeZone.value }
              : { everyMs: Math.round(Number(everyMinutes.value) * 60_000) };
          await api.createSchedule(blueprint.value, {
            ...(name.value.trim() ? { name: name.value.trim() } : {}),
            timing,
            action: { kind: "poll" },
          });
          toast("Schedule created");
          await reload();
        });
      },
    },
    h("h2", null, "New schedule"),
    h("p", { class: "muted" }, "Each tick polls the blueprint's source for new records."),
    h("div", { class: "row" }, field("Blueprint", blueprint), field("Name (optional)", name)),
    field("Repeat", repeat),
    cronFields,
    intervalFields,
    errors,
    h("div", { class: "actions" }, create),
  );
}

export async function renderSchedules(main, projectId) {
  const [project, blueprints] = await Promise.all([api.project(projectId), api.blueprints(projectId)]);
  const pages = await Promise.all(blueprints.items.map((b) => api.schedules(b.id)));
  const rows = await Promise.all(pages.flatMap((page) => page.items).map(withTicks));
  const names = new Map(blueprints.items.map((b) => [b.id, b.name]));
  const allowed = can("editor", projectId);
  const reload = () => renderSchedules(main, projectId);
  const errors = h("div");
  const row = ({ schedule, next, fires }) => {
    const label = schedule.name ?? timingText(schedule.timing);
    const toggle = schedule.paused ? "resume" : "pause";
    return h(
      "tr",
      { "data-schedule": schedule.id },
      h(
        "td",
        null,
        schedule.name ?? "—",
        h("div", { class: "muted small" }, names.get(schedule.blueprintId) ?? schedule.blueprintId),
      ),
      h("td", null, h("code", null, timingText(schedule.timing))),
      h("td", null, badge(schedule.paused ? "PAUSED" : "ACTIVE")),
      h("td", { "data-testid": "next-fire" }, next ? when(next) : "—"),
      h(
        "td",
        null,
        fires.length === 0
          ? h("span", { class: "muted" }, "none yet")
          : fires.map((f) => h("div", { class: "small" }, badge(f.state), " ", when(f.tick))),
      ),
      h(
        "td",
        { class: "actions" },
        rowAction(schedule.paused ? "Resume" : "Pause", {
          allowed,
          name: toggle,
          ariaLabel: `${schedule.paused ? "Resume" : "Pause"} ${label}`,
          errorBox: errors,
          run: async () => {
            await (schedule.paused ? api.resumeSchedule : api.pauseSchedule)(schedule.id);
            toast(`Schedule ${schedule.paused ? "resumed" : "paused"}`);
            await reload();
          },
        }),
        rowAction("Delete", {
          allowed,
          name: "delete",
          ariaLabel: `Delete ${label}`,
          errorBox: errors,
          run: async () => {
            await api.deleteSchedule(schedule.id);
            toast("Schedule deleted");
            await reload();
          },
        }),
      ),
    );
  };
  mount(
    main,
    projectCrumbs(project, "Schedules"),
    h("h1", null, "Schedules"),
    h(
      "div",
      { class: "card" },
      rows.length === 0
        ? h("p", { class: "muted" }, "No schedule yet: create one below.")
        : table("schedules", ["Name", "Timing", "State", "Next fire", "Last ticks"], rows.map(row), {
            actions: true,
          }),
      errors,
    ),
    scheduleForm(blueprints.items, allowed, reload),
  );
}
