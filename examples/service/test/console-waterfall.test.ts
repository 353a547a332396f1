// issue 23: operating one run in the console, in Debian's headless Chromium — a record's step
// waterfall (a completed record and a dead-lettered one), the run's buttons (replay its dead
// letters, cancel it, retry a parked record now), disabled for a viewer, and the queue view;
// axe-core and layout at 1,360 and 760 px. `UPDATE_SCREENSHOTS=1` writes screenshots to docs/.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Run } from "@synapseops/core";
import { checkTestService } from "@synapseops/core/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { chromiumMissing, launchChromium } from "./_browser";
import { signInPage } from "./_console-session";
import { layoutProblems, seriousViolations } from "./_page-checks";
import {
  dropNamespace,
  generatedDraft,
  hourlyRetryBlueprint,
  startService,
  type TestService,
} from "./helpers";

const DOCS = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS === "1" ? "../docs/" : "../test-output/console-waterfall/",
    import.meta.url,
  ),
);
mkdirSync(DOCS, { recursive: true });
const missing = chromiumMissing;

let service: TestService;
let browser: Browser;
let projectId = "";
let parkingBlueprintId = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  if (missing) return;
  service = await startService();
  const { project, blueprint } = await generatedDraft(service.api, "erp-waterfall");
  projectId = project.id;
  await service.api.post(`/blueprints/${blueprint.id}/approve`);
  // Its own project: a send step that retries after an hour, its record parked meanwhile.
  const parking = await hourlyRetryBlueprint(service.api, "erp-waterfall-parked");
  parkingBlueprintId = parking.id;
  for (const [name, role] of [
    ["ed", "editor"],
    ["vera", "viewer"],
  ] as const) {
    await service.api.post("/users", {
      name,
      password: `${name}-long-password`,
      grants: { [project.id]: role, [parking.projectId]: role },
    });
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

function signedIn(name: string, width = 1360, at: TestService = service): Promise<Page> {
  return signInPage(browser, at.baseUrl, name, pageErrors, width);
}

async function checked(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  expect(await layoutProblems(page)).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.getElementById("toasts")?.replaceChildren()');
  await page.screenshot({ path: `${DOCS}${name}.png`, fullPage: true });
}

/** Waits until the API shows the run with `status`. */
async function runStatus(runId: string, status: string): Promise<Run> {
  let run: Run | undefined;
  await expect
    .poll(async () => {
      run = (await service.api.get<Run>(`/runs/${runId}`)).body;
      return run.status;
    })
    .toBe(status);
  return run!;
}

it.skipIf(missing)(
  "opens a record's waterfall, replays the run's dead letter, and a viewer's buttons are disabled",
  async () => {
    const { api } = service;
    await api.put("/sandbox/erp-waterfall", { rejectWhen: 'sku = "BROKEN"' });
    const blueprintId = (await api.get<{ items: { id: string }[] }>(`/projects/${projectId}/blueprints`)).body
      .items[0]!.id;
    const started = await api.post<Run>(`/blueprints/${blueprintId}/runs`, { records: sampleOrders });
    await api.waitForRun(started.body.id);

    const page = await signedIn("ed");
    await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}/runs/${started.body.id}`);
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "FAILED" }).waitFor();
    // The step traces are the waterfall, not timeline entries.
    expect(await page.locator('.event[data-type="record.steps"]').count()).toBe(0);

    await page.click('button[data-record="o-1001"]');
    const rows = page.locator('.waterfall[data-record-key="o-1001"] .waterfall-row');
    await rows.first().waitFor();
    const steps = await rows.evaluateAll((items) => items.map((li) => li.getAttribute("data-step")));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".waterfall-row.end-ok").count()).toBe(steps.length);
    // A row opens to its input and output.
    await rows.last().locator("summary").click();
    await expect(rows.last().locator(".waterfall-values").textContent()).resolves.toContain("Output");
    await checked(page);
    await shot(page, "console-waterfall");

    // The dead-lettered record: its send step failed, with the error's code and message.
    await page.click('button[data-record="o-1003"]');
    const failed = page.locator('.waterfall[data-record-key="o-1003"] .waterfall-row.end-failed');
    await failed.waitFor();
    await failed.locator("summary").click();
    await expect(failed.locator('[data-testid="step-error"]').textContent()).resolves.toContain(
      "CONNECTOR_FAILED",
    );
    await page.setViewportSize({ width: 760, height: 900 });
    await checked(page);
    await shot(page, "console-waterfall-narrow");
    await page.setViewportSize({ width: 1360, height: 900 });

    // A viewer sees the same run, but the buttons that change it are disabled.
    const viewer = await signedIn("vera");
    await viewer.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}/runs/${started.body.id}`);
    await viewer.locator('[data-testid="run-detail"] .badge', { hasText: "FAILED" }).waitFor();
    await expect(viewer.locator('button[data-action="replay-run"]').isDisabled()).resolves.toBe(true);
    await expect(viewer.locator('button[data-action="cancel-run"]').isDisabled()).resolves.toBe(true);
    await viewer.close();

    // The target accepts again: the run's button replays its dead letter, and the replay succeeds.
    await api.put("/sandbox/erp-waterfall", { rejectWhen: null });
    await page.click('button[data-action="replay-run"]');
    await page.locator(".toast", { hasText: "Replaying 1 dead letter(s)" }).waitFor();
    await expect
      .poll(
        async () =>
          (await api.get<{ items: unknown[] }>(`/dead-letters?runId=${started.body.id}&replayed=false`)).body
            .items.length,
      )
      .toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  },
  90_000,
);

it.skipIf(missing)(
  "retries a parked record now and cancels a parked run from the console; shows the queue",
  async () => {
    const { api } = service;
    const blueprint = { id: parkingBlueprintId };
    await api.put("/sandbox/erp-waterfall-parked", { unavailable: true });
    const [order, another] = sampleOrders;
    const retried = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: [order] });
    await expect
      .poll(async () => (await api.get<Run>(`/runs/${retried.body.id}`)).body.counts.parked)
      .toBe(1);

    const viewer = await signedIn("vera");
    await viewer.goto(`${service.baseUrl}/console/#/blueprints/${blueprint.id}/runs/${retried.body.id}`);
    await viewer.locator('[data-testid="parked"] tr[data-parked]').waitFor();
    await expect(viewer.locator('button[data-action="retry-parked"]').isDisabled()).resolves.toBe(true);
    await expect(viewer.locator('button[data-action="cancel-parked"]').isDisabled()).resolves.toBe(true);
    await viewer.close();

    const page = await signedIn("ed");
    await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprint.id}/runs/${retried.body.id}`);
    await page.locator(`[data-testid="parked"] tr[data-parked="${order!.id}"]`).waitFor();
    // The parked record's waterfall: the send step parked after its first attempt.
    await page.click(`button[data-record="${order!.id}"]`);
    await page.locator(".waterfall-row.end-parked").waitFor();
    await checked(page);
    await shot(page, "console-parked");
    await api.put("/sandbox/erp-waterfall-parked", { unavailable: false });
    await page.click('button[data-action="retry-parked"]');
    await runStatus(retried.body.id, "SUCCEEDED");
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "SUCCEEDED" }).waitFor();

    // Another run parks; the run's Cancel button ends it.
    await api.put("/sandbox/erp-waterfall-parked", { unavailable: true });
    // Another order: the first one's key is done, so it would be a duplicate.
    const cancelled = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: [another] });
    await expect
      .poll(async () => (await api.get<Run>(`/runs/${cancelled.body.id}`)).body.counts.parked)
      .toBe(1);
    await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprint.id}/runs/${cancelled.body.id}`);
    await page.locator('[data-testid="parked"] tr[data-parked]').waitFor();
    await page.click('button[data-action="cancel-run"]');
    await runStatus(cancelled.body.id, "CANCELLED");
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "CANCELLED" }).waitFor();

    // The queue view: the memory service runs inline.
    await page.click('a[href="#/queue"]');
    await page.locator('[data-testid="queue"][data-engine="inline"]').waitFor();
    await checked(page);
    await shot(page, "console-queue");
    await page.setViewportSize({ width: 760, height: 900 });
    expect(await layoutProblems(page)).toEqual([]);
    await page.close();
    expect(pageErrors).toEqual([]);
  },
  90_000,
);

const postgres = await checkTestService("postgres");
const redis = await checkTestService("redis");

it.skipIf(missing || postgres.skip || redis.skip)(
  "shows BullMQ's counts, the workers alive and stalled jobs in the queue view",
  async () => {
    const namespace = `console23_queue_${Date.now().toString(36)}`;
    const bullmq = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, namespace });
    try {
      await bullmq.api.post("/users", {
        name: "ed",
        password: "ed-long-password",
        grants: { "*": "viewer" },
      });
      const { blueprint } = await generatedDraft(bullmq.api, "erp-queue");
      await bullmq.api.post(`/blueprints/${blueprint.id}/approve`);
      const run = await bullmq.api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });
      await bullmq.api.waitForRun(run.body.id, 30_000);

      const page = await signedIn("ed", 1360, bullmq);
      await page.goto(`${bullmq.baseUrl}/console/#/queue`);
      const view = page.locator('[data-testid="queue"][data-engine="bullmq"]');
      await view.waitFor();
      const workers = Number(await view.locator('[data-stat="workers"] .stat-value').textContent());
      expect(workers).toBeGreaterThanOrEqual(1);
      await expect(view.locator('[data-stat="stalled"] .stat-value').textContent()).resolves.toBe("0");
      const rows = await view
        .locator("tr[data-queue]")
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-queue")));
      expect(rows).toEqual(["synapseops-runs", "synapseops-runs-parked"]);
      await expect(
        view.locator('tr[data-queue="synapseops-runs"] td[data-count="waiting"]').textContent(),
      ).resolves.toBe("0");
      await checked(page);
      await shot(page, "console-queue-bullmq");
      await page.setViewportSize({ width: 760, height: 900 });
      expect(await layoutProblems(page)).toEqual([]);
      await page.close();
    } finally {
      await bullmq.close();
      await dropNamespace(postgres.url, redis.url, namespace);
    }
    expect(pageErrors).toEqual([]);
  },
  90_000,
);
