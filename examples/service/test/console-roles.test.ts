// issue 23: the console with access control, in Debian's headless Chromium — sign-in, a viewer
// who cannot approve (403 from the API, the button disabled), an approver who approves, a run
// seen live (started through the API while the page only listens), layout at 1,360 and 760 px,
// and axe-core. `UPDATE_SCREENSHOTS=1` writes its screenshots to docs/ (the README's pictures).
import type { Run } from "@synapseops/core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { chromiumMissing } from "./_browser";
import { type ConsoleSession, screenshotDir, startConsole } from "./_console-session";
import { layoutProblems, seriousViolations } from "./_page-checks";
import { generatedDraft, type TestService } from "./helpers";

const DOCS = screenshotDir("console-roles");
const missing = chromiumMissing;

let session: ConsoleSession;
let service: TestService;
let blueprintId = "";

beforeAll(async () => {
  if (missing) return;
  session = await startConsole();
  service = session.service;
  const { project, blueprint } = await generatedDraft(service.api, "erp-roles");
  blueprintId = blueprint.id;
  await service.api.post(`/blueprints/${blueprint.id}/validate`);
  await session.addUsers(project.id, { vera: "viewer", april: "approver" });
}, 60_000);

afterAll(async () => {
  await session?.close();
});

/** A fresh browser (its own cookies) signed in as `name`, on the blueprint's page. */
async function signedIn(name: string, width = 1360): Promise<Page> {
  const page = await session.signIn(name, width);
  await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}`);
  await page.locator('button[data-action="approve"]').waitFor();
  return page;
}

it.skipIf(missing)(
  "a viewer cannot approve, an approver approves, and a run is seen live",
  async () => {
    const login = await session.browser.newPage({ viewport: { width: 1360, height: 700 } });
    await login.goto(`${service.baseUrl}/console/`);
    await login.locator("form.login").waitFor();
    expect(await seriousViolations(login)).toEqual([]);
    await login.screenshot({ path: `${DOCS}console-login.png` });
    await login.close();

    // The viewer: the button is disabled, and the API refuses the approval anyway.
    const viewer = await signedIn("vera");
    await expect(viewer.locator('button[data-action="approve"]').isDisabled()).resolves.toBe(true);
    const status = await viewer.evaluate(`(async () => {
      const session = await (await fetch("/auth/session")).json();
      const answer = await fetch("/blueprints/${blueprintId}/approve", {
        method: "POST",
        headers: { "x-csrf-token": session.csrfToken },
      });
      return answer.status;
    })()`);
    expect(status).toBe(403);
    expect((await service.api.get<{ status: string }>(`/blueprints/${blueprintId}`)).body.status).toBe(
      "VALIDATED",
    );
    await viewer.screenshot({ path: `${DOCS}console-viewer.png` });
    await viewer.close();

    // The approver approves through the button.
    const approver = await signedIn("april");
    await approver.click('button[data-action="approve"]');
    await approver.locator("h1 .badge", { hasText: "APPROVED" }).waitFor();
    expect(await seriousViolations(approver)).toEqual([]);
    expect(await layoutProblems(approver)).toEqual([]);
    await approver.screenshot({ path: `${DOCS}console-approver.png` });

    // Live: the page sits on the runs tab; a run started elsewhere (the API) appears and finishes
    // on it with no reload and no poll — only the event stream can tell the page about it.
    await approver.click("[data-tab=runs]");
    await approver.locator('form:has-text("Start a run")').waitFor();
    const requests: string[] = [];
    approver.on("request", (request) =>
      requests.push(`${request.method()} ${new URL(request.url()).pathname}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(requests).toEqual([]); // idle: nothing polls
    const started = await service.api.post<Run>(`/blueprints/${blueprintId}/runs`, { records: sampleOrders });
    await approver.locator(`tr[data-run="${started.body.id}"] .badge`, { hasText: "SUCCEEDED" }).waitFor({
      timeout: 15_000,
    });
    expect(requests).toContain(`GET /blueprints/${blueprintId}/runs`);
    expect(await layoutProblems(approver)).toEqual([]);
    await approver.evaluate('document.getElementById("toasts")?.replaceChildren()');
    await approver.screenshot({ path: `${DOCS}console-live-run.png`, fullPage: true });

    // All runs, across blueprints: filtered by status, then found by id; a new run appears live.
    await approver.goto(`${service.baseUrl}/console/#/runs`);
    await approver.locator(`[data-testid="all-runs"] tr[data-run="${started.body.id}"]`).waitFor();
    await approver.selectOption('select[name="status"]', "FAILED");
    await approver.click('button:has-text("Filter")');
    await approver.locator('[data-testid="all-runs"] td', { hasText: "No run matches." }).waitFor();
    await approver.selectOption('select[name="status"]', "");
    await approver.fill('input[name="q"]', started.body.id);
    await approver.click('button:has-text("Filter")');
    // The table re-renders when the answer arrives: wait for the run's row, then for it to be alone.
    await approver.locator(`[data-testid="all-runs"] tbody tr[data-run="${started.body.id}"]`).waitFor();
    await expect.poll(() => approver.locator('[data-testid="all-runs"] tbody tr').count()).toBe(1);
    await approver.fill('input[name="q"]', "");
    await approver.click('button:has-text("Filter")');
    const second = await service.api.post<Run>(`/blueprints/${blueprintId}/runs`, { records: sampleOrders });
    await approver
      .locator(`[data-testid="all-runs"] tr[data-run="${second.body.id}"] .badge`, { hasText: "SUCCEEDED" })
      .waitFor();
    expect(await seriousViolations(approver)).toEqual([]);
    expect(await layoutProblems(approver)).toEqual([]);
    await approver.screenshot({ path: `${DOCS}console-all-runs.png` });
    await approver.close();

    // The narrow window: the same pages, nothing sideways, nothing on top of each other.
    const narrow = await signedIn("april", 760);
    expect(await layoutProblems(narrow)).toEqual([]);
    await narrow.click("[data-tab=runs]");
    await narrow.locator('[data-testid="run-detail"] .badge').waitFor();
    expect(await layoutProblems(narrow)).toEqual([]);
    await narrow.screenshot({ path: `${DOCS}console-narrow.png`, fullPage: true });
    await narrow.close();

    expect(session.pageErrors).toEqual([]);
  },
  120_000,
);
