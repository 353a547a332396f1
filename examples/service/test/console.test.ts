import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "./_browser";
import { startService, type TestService } from "./helpers";

// Issue 11 item 8: the console, end to end in Debian's headless Chromium.
const SHOTS = fileURLToPath(new URL("../test-output/console/", import.meta.url));
const missing = chromiumMissing;
if (missing) process.stderr.write(`skipping the console test: ${missing}\n`);

let service: TestService;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  service = await startService();
  browser = await launchChromium(["--disable-quic", "--disable-component-update", "--disable-sync"]);
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
}, 60_000);

afterEach(async (context) => {
  // A failing step leaves a picture of what the page showed, and the page's own errors.
  if (context.task.result?.state === "fail" && page) {
    await page.screenshot({ path: join(SHOTS, "failure.png"), fullPage: true });
    if (consoleErrors.length > 0) process.stderr.write(`console errors:\n${consoleErrors.join("\n")}\n`);
  }
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/** A full-page screenshot without the transient toasts (they would hide what the step shows). */
async function shot(name: string): Promise<void> {
  await page.evaluate('document.getElementById("toasts")?.replaceChildren()');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
const OPS_PASSWORD = "correct horse battery staple";

/** Fills the sign-in form and waits for the console behind it. */
async function signIn(name: string, password: string): Promise<void> {
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('button:has-text("Sign in")');
  await page.locator("#user", { hasText: name }).waitFor();
  // Before signing in, the console's GET /auth/session answered 401: Chromium logs that as an error.
  const expected = consoleErrors.findIndex((e) => /status of 401/.test(e));
  if (expected !== -1) consoleErrors.splice(expected, 1);
}

/** Waits for a toast with this text, the console's answer to every action. */
const toast = (text: string | RegExp) => page.locator(".toast", { hasText: text }).first().waitFor();

it.skipIf(missing)(
  "creates, validates, approves and runs a blueprint; shows a dead letter and replays it",
  async () => {
    // issue 23: the console asks for a sign-in first (an admin of every project here).
    await service.api.post("/users", { name: "ops", password: OPS_PASSWORD, grants: { "*": "admin" } });
    await page.goto(`${service.baseUrl}/console/`);
    await signIn("ops", OPS_PASSWORD);
    await page.locator(".health", { hasText: "healthy · memory" }).waitFor();

    // Create a project (it comes with a Shop source and a sandbox ERP target) and generate a draft.
    await page.fill('input[name="projectName"]', "Shop → ERP");
    await page.fill('input[name="projectDescription"]', "orders into sales orders");
    await page.click("text=Create project");
    await toast('Project "Shop → ERP" created');
    await page.click("text=Generate draft");
    await toast('Draft "Orders to ERP" generated');
    await expect(page.locator("h1 .badge").textContent()).resolves.toBe("DRAFT");
    await shot("1-draft");

    // Validate: the report shows, the status moves to VALIDATED; approve.
    await page.click('button[data-action="validate"]');
    await page.locator('.report[data-ok="true"]').waitFor();
    await page.locator("h1 .badge", { hasText: "VALIDATED" }).waitFor();
    expect(await page.locator(".issue").allTextContents()).toEqual([
      expect.stringContaining("/mappings/0/samples"),
    ]);
    await shot("2-validated");
    await page.click('button[data-action="approve"]');
    await page.locator("h1 .badge", { hasText: "APPROVED" }).waitFor();
    await expect(page.locator(".tree-blueprint .badge").textContent()).resolves.toBe("APPROVED");

    // Mapping playground: output and per-field explanation; a bad sample shows problems inline.
    await page.click("[data-tab=playground]");
    await page.locator('[data-testid="problem-count"]', { hasText: "valid" }).waitFor();
    await expect(page.locator('tr[data-field="amount"]').textContent()).resolves.toContain("to_float → 12.5");
    await page.fill('textarea[name="sample"]', JSON.stringify({ id: "o-9", total_price: "abc" }));
    await page.click("text=Map it");
    await page.locator('[data-testid="problem-count"]', { hasText: /problem/ }).waitFor();
    const problems = (await page.locator(".playground-result .problem").allTextContents()).join("\n");
    expect(problems).toContain('to_float got "abc"');
    expect(problems).toMatch(/source schema[\s\S]*\/email/);
    await expect(page.locator('tr[data-field="amount"]').getAttribute("class")).resolves.toBe("has-issue");
    await shot("3-playground");

    // A run of two orders succeeds; its timeline shows start and finish.
    await page.click("[data-tab=runs]");
    await page.fill(
      'textarea[name="records"]',
      JSON.stringify([
        { id: "o-1001", email: "ada@example.com", total_price: "12.50", sku: "LAMP" },
        { id: "o-1002", email: "grace@example.com", total_price: "99.00", sku: "DESK" },
      ]),
    );
    await page.click("text=Start run");
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "SUCCEEDED" }).waitFor();
    await expect(page.locator('[data-testid="timeline"] .type').allTextContents()).resolves.toEqual([
      "run.started",
      "run.finished",
    ]);

    // The ERP rejects one order: the next run has a dead letter.
    await page.click("[data-tab=dead-letters]");
    await page.fill('input[name="rejectWhen"]', 'sku = "BROKEN"');
    await page.click("text=Set rule");
    await page.locator('[data-testid="sandbox-state"]', { hasText: "rejecting" }).waitFor();
    await page.click("[data-tab=runs]");
    await page.click("text=Start run"); // the three sample orders, one of them BROKEN
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "FAILED" }).waitFor();
    await page.locator('.event[data-type="record.dead_lettered"]', { hasText: "o-1003" }).waitFor();
    await page.locator(".chart svg rect.bar").nth(1).waitFor();
    await shot("4-runs");

    await page.click("[data-tab=dead-letters]");
    const row = page.locator('[data-testid="dead-letters"] tr[data-dead-letter]');
    await row.first().waitFor();
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain("o-1003");
    await expect(row.textContent()).resolves.toContain("rejected the record");
    await shot("5-dead-letter");

    // The ERP accepts it again; replay: the replay run succeeds and the letter is marked replayed.
    await page.click('button[data-action="accept-all"]');
    await page.locator('[data-testid="sandbox-state"]', { hasText: "accepting" }).waitFor();
    await page.click('button[data-action="replay"]');
    await page.locator('[data-testid="run-detail"] .badge', { hasText: "SUCCEEDED" }).waitFor();
    await expect(page.locator('[data-testid="runs"] tbody tr').first().textContent()).resolves.toContain(
      "replay",
    );
    await shot("6-replayed");
    await page.click("[data-tab=dead-letters]");
    await page.locator(".replayed").waitFor();

    // Revisions: an edit makes r2; the diff view shows what changed from r1.
    await page.click("[data-tab=revisions]");
    await page.click("text=Save as new revision");
    await toast("Saved revision r2");
    await page
      .locator('[data-testid="diff"] tr.diff-replace, [data-testid="diff"] tr.diff-add')
      .first()
      .waitFor();
    await expect(page.locator('[data-testid="diff"]').textContent()).resolves.toContain("/description");
    await page.locator("h1 .badge", { hasText: "DRAFT" }).waitFor();
    await shot("7-revisions");

    expect(consoleErrors).toEqual([]);
  },
  120_000,
);
