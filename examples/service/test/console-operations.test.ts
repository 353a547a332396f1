// issue 23: operating in the console, in Debian's headless Chromium — dead letters filtered by
// error code, the filtered set replayed with one button (one run), what the filter left out
// still pending; then runs found by a record's key; an alert rule added on the project's Alerts
// page and sent to a local webhook peer when a dead letter arrives.
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Page as ApiPage, DeadLetter, Run } from "@synapseops/core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { chromiumMissing, launchChromium } from "./_browser";
import { layoutProblems, seriousViolations } from "./_page-checks";
import { generatedDraft, startService, type TestService } from "./helpers";

const DOCS = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS === "1" ? "../docs/" : "../test-output/console-operations/",
    import.meta.url,
  ),
);
mkdirSync(DOCS, { recursive: true });
const missing = chromiumMissing;

let service: TestService;
let browser: Browser;
let blueprintId = "";
let projectId = "";
/** A blueprint of a second project of ed's, with one run: what the runs list's blueprint filter tells apart. */
let otherBlueprintId = "";

beforeAll(async () => {
  if (missing) return;
  service = await startService();
  const { project, blueprint } = await generatedDraft(service.api, "erp-dl-console");
  blueprintId = blueprint.id;
  projectId = project.id;
  await service.api.post(`/blueprints/${blueprint.id}/approve`);
  const other = await generatedDraft(service.api, "erp-runs-other");
  otherBlueprintId = other.blueprint.id;
  await service.api.post(`/blueprints/${otherBlueprintId}/approve`);
  const otherRun = await service.api.post<Run>(`/blueprints/${otherBlueprintId}/runs`, {
    // Keys of its own, so the record-key search below still finds o-1003 in one blueprint only.
    records: [{ id: "o-9001", email: "o@example.com", total_price: "1.00", sku: "PEN" }],
  });
  await service.api.waitForRun(otherRun.body.id);
  await service.api.post("/users", {
    name: "ed",
    password: "ed-long-password",
    grants: { [project.id]: "editor", [other.project.id]: "viewer" },
  });
  // o-1003 is refused by the target (CONNECTOR_FAILED); o-1004's price is no number (a mapping error).
  await service.api.put("/sandbox/erp-dl-console", { rejectWhen: 'sku = "BROKEN"' });
  const run = await service.api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [...sampleOrders, { id: "o-1004", email: "x@example.com", total_price: "twelve", sku: "PEN" }],
  });
  await service.api.waitForRun(run.body.id);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

it.skipIf(missing)(
  "filters dead letters by error code, replays the filtered set and finds runs by record key",
  async () => {
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${service.baseUrl}/console/`);
    await page.fill('input[name="username"]', "ed");
    await page.fill('input[name="password"]', "ed-long-password");
    await page.click('button:has-text("Sign in")');
    await page.locator("#user", { hasText: "ed" }).waitFor();
    await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}/dead-letters`);
    const rows = page.locator('[data-testid="dead-letters"] tr[data-dead-letter]');
    await expect.poll(() => rows.count()).toBe(2);

    await page.fill('input[name="errorCode"]', "CONNECTOR_FAILED");
    await page.click('form[aria-label="Filter dead letters"] button:has-text("Filter")');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.textContent()).toContain("o-1003");
    await page.locator('button[data-action="replay-matching"]', { hasText: "(1)" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    await page.evaluate('document.getElementById("toasts")?.replaceChildren(); window.scrollTo(0, 0)');
    await page.screenshot({ path: `${DOCS}console-dead-letter-filters.png`, fullPage: true });

    // The target accepts again; one button replays what the filter shows.
    await service.api.put("/sandbox/erp-dl-console", { rejectWhen: null });
    await page.click('button[data-action="replay-matching"]');
    await page
      .locator('[data-testid="run-detail"] .badge', { hasText: "SUCCEEDED" })
      .waitFor({ timeout: 15_000 });
    const pending = await service.api.get<ApiPage<DeadLetter>>(
      `/dead-letters?blueprintId=${blueprintId}&replayed=false`,
    );
    expect(pending.body.items.map((d) => d.recordKey)).toEqual(["o-1004"]);

    // Runs by record key: o-1003's first run (dead-lettered) and its replay (completed).
    const runsOf1003 = (await service.api.get<ApiPage<Run>>("/runs?recordKey=o-1003")).body.items;
    expect(runsOf1003).toHaveLength(2);
    await page.goto(`${service.baseUrl}/console/#/runs`);
    await page.locator('[data-testid="all-runs"] tbody tr[data-run]').first().waitFor();
    await page.selectOption('select[name="by"]', "recordKey");
    await page.fill('input[name="q"]', "o-1003");
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await expect
      .poll(
        async () =>
          await page
            .locator('[data-testid="all-runs"] tbody tr[data-run]')
            .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run"))),
      )
      .toEqual(runsOf1003.map((r) => r.id));
    expect(await seriousViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    await page.evaluate('document.getElementById("toasts")?.replaceChildren()');
    await page.screenshot({ path: `${DOCS}console-run-search.png` });

    // By blueprint (a select of ed's blueprints): that blueprint's runs only, the filter kept in the
    // hash so a reload shows the same list.
    const runIds = () =>
      page
        .locator('[data-testid="all-runs"] tbody tr[data-run]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run")));
    const ofOther = (await service.api.get<ApiPage<Run>>(`/runs?blueprintId=${otherBlueprintId}`)).body.items;
    expect(ofOther).toHaveLength(1);
    await page.fill('input[name="q"]', "");
    await page.selectOption('select[name="blueprintId"]', otherBlueprintId);
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await expect.poll(runIds).toEqual(ofOther.map((r) => r.id));
    expect(new URL(page.url()).hash).toBe(`#/runs?blueprintId=${otherBlueprintId}`);
    await page.reload();
    await expect.poll(runIds).toEqual(ofOther.map((r) => r.id));
    expect(await page.inputValue('select[name="blueprintId"]')).toBe(otherBlueprintId);

    // Until: a time before every run leaves none; one after them all keeps the blueprint's run.
    await page.fill('input[name="until"]', "2020-01-01T00:00");
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await page.locator('[data-testid="all-runs"] tbody td', { hasText: "No run matches." }).waitFor();
    expect(await runIds()).toEqual([]);
    expect(new URL(page.url()).hash).toContain("until=2020-01-01T00%3A00");
    await page.fill('input[name="until"]', "2099-01-01T00:00");
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await expect.poll(runIds).toEqual(ofOther.map((r) => r.id));
    // Connection: the run started on no customer connection, so a connection id hides it.
    await page.fill('input[name="connection"]', "conn_nobody");
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await page.locator('[data-testid="all-runs"] tbody td', { hasText: "No run matches." }).waitFor();
    expect(new URL(page.url()).hash).toContain("connection=conn_nobody");
    await page.fill('input[name="connection"]', "");
    await page.click('form[aria-label="Filter runs"] button:has-text("Filter")');
    await expect.poll(runIds).toEqual(ofOther.map((r) => r.id));
    expect(await seriousViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 760, height: 900 });
    expect(await layoutProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 1360, height: 900 });

    await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}/dead-letters`);
    await page.setViewportSize({ width: 760, height: 900 });
    await page.locator('form[aria-label="Filter dead letters"]').waitFor();
    expect(await layoutProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  },
  90_000,
);

it.skipIf(missing)(
  "adds an alert rule on the Alerts page and shows its alert after a dead letter",
  async () => {
    const messages: string[] = [];
    const peer = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        messages.push(JSON.parse(body).text);
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    const hook = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/hook`;
    await service.api.post(`/projects/${projectId}/connectors`, {
      type: "slack",
      name: "ops-alerts",
      config: { webhookUrl: hook },
    });

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${service.baseUrl}/console/`);
    await page.fill('input[name="username"]', "ed");
    await page.fill('input[name="password"]', "ed-long-password");
    await page.click('button:has-text("Sign in")');
    await page.locator("#user", { hasText: "ed" }).waitFor();
    await page.goto(`${service.baseUrl}/console/#/projects/${projectId}/alerts`);
    await page.selectOption('select[name="metric"]', "deadLetters");
    await page.fill('input[name="threshold"]', "1");
    await page.click('button:has-text("Add rule")');
    const row = page.locator('[data-testid="alert-rules"] tr[data-alert]');
    await row.filter({ hasText: "deadLetters ≥ 1" }).waitFor();
    expect(await row.textContent()).toContain("never");

    // A dead letter (a price that is no number): the peer gets the alert; the page shows it.
    const run = await service.api.post<Run>(`/blueprints/${blueprintId}/runs`, {
      records: [{ id: "o-5001", email: "q@example.com", total_price: "twelve", sku: "PEN" }],
    });
    await service.api.waitForRun(run.body.id);
    await expect.poll(() => messages.length).toBe(1);
    expect(messages[0]).toMatch(/dead letters \d+ ≥ 1 over the last 15 min/);
    await page.reload();
    await row.filter({ hasText: "s ago" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    await page.evaluate('document.getElementById("toasts")?.replaceChildren()');
    await page.screenshot({ path: `${DOCS}console-alerts.png`, fullPage: true });
    await page.setViewportSize({ width: 760, height: 900 });
    expect(await layoutProblems(page)).toEqual([]);
    await page.close();
    await new Promise((resolve) => peer.close(resolve));
  },
  60_000,
);
