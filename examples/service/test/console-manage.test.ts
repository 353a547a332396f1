// issue 23: managing a project from the console, in Debian's headless Chromium — a schedule created
// (cron in a time zone), listed with its next fire and paused; a connector ref added whose secret
// never comes back; an environment added. Each page: axe-core 0 serious, no overflow at 1,360 and
// 760 px; a viewer sees the same pages with every button disabled. `UPDATE_SCREENSHOTS=1` writes
// the screenshots to docs/.
import { randomBytes } from "node:crypto";
import type { ConnectorRef, Environment, Schedule } from "@synapseops/core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumMissing } from "./_browser";
import { type ConsoleSession, screenshotDir, startConsole } from "./_console-session";
import { layoutProblems, seriousViolations } from "./_page-checks";
import { generatedDraft, type TestService } from "./helpers";

const DOCS = screenshotDir("console-manage");
const missing = chromiumMissing;

let session: ConsoleSession;
let service: TestService;
let projectId = "";
let blueprintId = "";

beforeAll(async () => {
  if (missing) return;
  session = await startConsole();
  service = session.service;
  const { project, blueprint } = await generatedDraft(
    service.api,
    `erp-manage-${randomBytes(3).toString("hex")}`,
  );
  projectId = project.id;
  blueprintId = blueprint.id;
  await session.addUsers(projectId, { olga: "editor", vic: "viewer" });
}, 60_000);

afterAll(async () => {
  await session?.close();
});

/** axe-core and the layout at both widths; a screenshot of each width. */
async function checkPage(page: Page, shot: string): Promise<void> {
  await page.evaluate('document.getElementById("toasts")?.replaceChildren(); window.scrollTo(0, 0)');
  expect(await seriousViolations(page)).toEqual([]);
  expect(await layoutProblems(page)).toEqual([]);
  await page.screenshot({ path: `${DOCS}${shot}.png`, fullPage: true });
  await page.setViewportSize({ width: 760, height: 900 });
  expect(await layoutProblems(page)).toEqual([]);
  await page.screenshot({ path: `${DOCS}${shot}-narrow.png`, fullPage: true });
  await page.setViewportSize({ width: 1360, height: 900 });
}

it.skipIf(missing)(
  "creates and pauses a schedule, adds a connector ref and an environment; a viewer can do none of it",
  async () => {
    const page = await session.signIn("olga");

    // Schedules: create one read in Paris time, see its next fire, pause it.
    await page.goto(`${service.baseUrl}/console/#/projects/${projectId}/schedules`);
    await page.locator('form[aria-label="New schedule"]').waitFor();
    await page.fill('input[name="name"]', "nightly import");
    await page.fill('input[name="cron"]', "0 3 * * *");
    await page.fill('input[name="timeZone"]', "Europe/Paris");
    await page.click('button:has-text("Create schedule")');
    const row = page.locator('[data-testid="schedules"] tr[data-schedule]', { hasText: "nightly import" });
    await row.locator(".badge", { hasText: "ACTIVE" }).waitFor();
    const scheduleId = (await row.getAttribute("data-schedule"))!;
    const shown = await service.api.get<{ nextFireTimes: string[] }>(`/schedules/${scheduleId}`);
    const next = new Date(shown.body.nextFireTimes[0]!);
    // The page shows the same instant as the API, in the browser's zone (UTC in this Chromium).
    expect(await row.locator('[data-testid="next-fire"]').textContent()).toContain(String(next.getUTCDate()));
    expect(next.getUTCHours()).toBeGreaterThanOrEqual(1);
    expect(next.getUTCHours()).toBeLessThanOrEqual(2);
    expect(await row.textContent()).toContain("0 3 * * * · Europe/Paris");
    await checkPage(page, "console-schedules");
    await row.locator('button[data-action="pause"]').click();
    await row.locator(".badge", { hasText: "PAUSED" }).waitFor();
    expect(
      (await service.api.get<{ schedule: Schedule }>(`/schedules/${scheduleId}`)).body.schedule.paused,
    ).toBe(true);
    expect(await row.locator('[data-testid="next-fire"]').textContent()).toBe("—");
    // A bad time zone is refused at its field, and nothing is created.
    await page.fill('input[name="timeZone"]', "Mars/Olympus");
    await page.click('button:has-text("Create schedule")');
    await page.locator(".problem", { hasText: "SCHEDULE_INVALID" }).waitFor();
    expect(await page.locator(".problem code").first().textContent()).toBe("/timing/timeZone");
    expect(
      (await service.api.get<{ items: Schedule[] }>(`/blueprints/${blueprintId}/schedules`)).body.items,
    ).toHaveLength(1);
    await page.fill('input[name="timeZone"]', "Europe/Paris");
    expect(await seriousViolations(page)).toEqual([]);

    // Connector refs: the secret goes in, never comes out.
    const apiKey = `wh-key-${randomBytes(12).toString("hex")}`;
    await page.goto(`${service.baseUrl}/console/#/projects/${projectId}/connectors`);
    await page.locator('form[aria-label="Connector ref"]').waitFor();
    await page.fill('input[name="type"]', "memory");
    await page.fill('input[name="name"]', "Warehouse");
    await page.fill('textarea[name="config"]', JSON.stringify({ channel: "warehouse", apiKey }));
    await page.click('button:has-text("Add connector ref")');
    const ref = page.locator('[data-testid="connectors"] tr[data-connector]', { hasText: "Warehouse" });
    await ref.waitFor();
    expect(await ref.textContent()).toContain("[REDACTED:secret]");
    // Edit it unchanged but for its name: the stored secret stays.
    await ref.locator('button[data-action="edit"]').click();
    await page.fill('input[name="name"]', "Warehouse EU");
    await page.click('button:has-text("Save changes")');
    await page
      .locator('[data-testid="connectors"] tr[data-connector]', { hasText: "Warehouse EU" })
      .waitFor();
    const refs = (await service.api.get<ConnectorRef[]>(`/projects/${projectId}/connectors`)).body;
    const saved = refs.find((r) => r.name === "Warehouse EU")!;
    expect((await service.service.runtime.connectorRefs.get(saved.id)).config).toEqual({
      channel: "warehouse",
      apiKey,
    });
    expect(await page.content()).not.toContain(apiKey);
    await checkPage(page, "console-connectors");

    // Environments.
    await page.goto(`${service.baseUrl}/console/#/projects/${projectId}/environments`);
    await page.locator('form[aria-label="Environment"]').waitFor();
    await page.fill('input[name="name"]', "uat");
    await page.selectOption('select[name="kind"]', "uat");
    await page.fill('input[name="baseUrl"]', "https://uat.erp.example.test");
    await page.fill('textarea[name="variables"]', '{"region":"eu-west"}');
    await page.fill('textarea[name="secrets"]', '{"apiKey":"erp/uat/api-key"}');
    await page.click('button:has-text("Save environment")');
    await page.locator('[data-testid="environments"] tr[data-environment="uat"]').waitFor();
    const environments = (await service.api.get<Environment[]>(`/projects/${projectId}/environments`)).body;
    expect(environments).toMatchObject([
      { name: "uat", kind: "uat", baseUrl: "https://uat.erp.example.test", variables: { region: "eu-west" } },
    ]);
    await checkPage(page, "console-environments");
    await page.close();

    // A viewer sees the three pages with every button disabled (the API refuses it anyway).
    const viewer = await session.signIn("vic");
    for (const [tab, ready] of [
      ["schedules", '[data-testid="schedules"]'],
      ["connectors", '[data-testid="connectors"]'],
      ["environments", '[data-testid="environments"]'],
    ] as const) {
      await viewer.goto(`${service.baseUrl}/console/#/projects/${projectId}/${tab}`);
      await viewer.locator(ready).waitFor();
      const buttons = viewer.locator("main button");
      expect(await buttons.count(), tab).toBeGreaterThan(0);
      for (const button of await buttons.all()) expect(await button.isDisabled(), tab).toBe(true);
    }
    await viewer.close();
    expect(session.pageErrors).toEqual([]);
  },
  60_000,
);
