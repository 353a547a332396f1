// issue 23: the visual mapping builder in Debian's headless Chromium — source fields read off a
// pasted sample, connected to target fields by click, keyboard and drag, transforms picked from
// the function library, the compiled JSONata and a live preview with per-field explanations,
// saved as a revision and approved. `UPDATE_SCREENSHOTS=1` writes its screenshots to docs/.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Blueprint, BlueprintRevision, Run } from "@synapseops/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "./_browser";
import { layoutProblems, seriousViolations } from "./_page-checks";
import { generatedDraft, startService, type TestService } from "./helpers";

const DOCS = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS === "1" ? "../docs/" : "../test-output/console-builder/",
    import.meta.url,
  ),
);
mkdirSync(DOCS, { recursive: true });
const missing = chromiumMissing;

// A payload whose SKU sits in a nested object the source schema does not describe.
const PASTED = {
  id: "o-2001",
  email: "Lin@Example.com",
  total_price: "19.90",
  item: { sku: "CHAIR", qty: 2 },
};

let service: TestService;
let browser: Browser;
let blueprintId = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  if (missing) return;
  service = await startService();
  const { project, blueprint } = await generatedDraft(service.api, "erp-builder");
  blueprintId = blueprint.id;
  const created = await service.api.post("/users", {
    name: "bea",
    password: "bea-long-password",
    grants: { [project.id]: "approver" },
  });
  expect(created.status).toBe(201);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function signedIn(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${service.baseUrl}/console/`);
  await page.fill('input[name="username"]', "bea");
  await page.fill('input[name="password"]', "bea-long-password");
  await page.click('button:has-text("Sign in")');
  await page.locator("#user", { hasText: "bea" }).waitFor();
  await page.goto(`${service.baseUrl}/console/#/blueprints/${blueprintId}/builder`);
  await page.locator('[data-source-field="email"]').waitFor();
  return page;
}

it.skipIf(missing)(
  "builds a mapping from a pasted sample, saves it as a revision and approves it",
  async () => {
    const page = await signedIn(1360);
    // Before the sample: the source schema's fields, and nothing nested.
    await expect(page.locator('[data-source-field="item.sku"]').count()).resolves.toBe(0);
    await page.fill('textarea[name="builder-sample"]', JSON.stringify(PASTED, null, 2));
    await page.click('button[data-action="read-sample"]');
    await page.locator('[data-source-field="item.sku"]').waitFor();
    await page.click('button[data-action="clear-rules"]');
    await page.locator('[data-testid="builder-rules"]', { hasText: "No rule yet" }).waitFor();

    // By click; by keyboard (Enter on focused buttons); by drag.
    await page.click('[data-source-field="id"]');
    await page.click('[data-target-field="orderId"]');
    await page.focus('[data-source-field="email"]');
    await page.keyboard.press("Enter");
    await page.focus('[data-target-field="customerEmail"]');
    await page.keyboard.press("Enter");
    await page.dragAndDrop('[data-source-field="total_price"]', '[data-target-field="amount"]');
    await page.click('[data-source-field="item.sku"]');
    await page.click('[data-target-field="sku"]');
    await expect.poll(() => page.locator('[data-testid="builder-rules"] tbody tr').count()).toBe(4);

    // Transforms from the library, with their docs shown.
    await page.selectOption('select[data-transform-for="amount"]', "to_float");
    await page.locator('[data-testid="function-doc"]', { hasText: "to_float" }).waitFor();
    await page.selectOption('select[data-transform-for="customerEmail"]', "lower");
    // A transform with an argument: round to one decimal.
    await page.fill('input[data-args-for="amount"]', "1");
    await page.selectOption('select[data-transform-for="amount"]', "round");

    // The compiled JSONata and the live preview: each field's value and how it got it.
    const jsonata = page.locator('[data-testid="builder-jsonata"]');
    await jsonata.filter({ hasText: "$lower(email)" }).waitFor();
    await jsonata.filter({ hasText: "$round($to_float(total_price), 1)" }).waitFor();
    expect(await jsonata.textContent()).toContain("item.sku");
    const preview = page.locator('[data-testid="builder-preview"]');
    await preview.locator('tr[data-field="amount"]', { hasText: "19.9" }).waitFor();
    await expect
      .poll(() => preview.locator('tr[data-field="amount"] .chip').allTextContents())
      .toEqual(["to_float → 19.9", "round(1) → 19.9"]);
    expect(await preview.locator('tr[data-field="customerEmail"]').textContent()).toContain(
      "lin@example.com",
    );
    expect(await preview.locator('[data-testid="problem-count"]').textContent()).toBe("valid");

    expect(await seriousViolations(page)).toEqual([]);
    expect(await layoutProblems(page)).toEqual([]);
    // Top of the page, so the sticky bar is where it belongs in the full-page picture.
    await page.evaluate('document.getElementById("toasts")?.replaceChildren(); window.scrollTo(0, 0)');
    await page.screenshot({ path: `${DOCS}console-mapping-builder.png`, fullPage: true });

    // Save: a new revision with the rules and the pasted sample as a golden sample; approve it.
    await page.click('button[data-action="save-mapping"]');
    await page.locator(".blueprint-head p", { hasText: "head revision r2" }).waitFor();
    await page.locator('[data-testid="builder-goldens"] [data-ok="true"]').waitFor();
    await page.click('button[data-action="approve"]');
    await page.locator("h1 .badge", { hasText: "APPROVED" }).waitFor();

    const blueprint = (await service.api.get<Blueprint>(`/blueprints/${blueprintId}`)).body;
    expect(blueprint.approvedRevision).toBe(2);
    const saved = (await service.api.get<BlueprintRevision>(`/blueprints/${blueprintId}/revisions/2`)).body;
    const mapping = saved.body.mappings[0]!;
    expect(mapping.rules).toEqual([
      { target: "orderId", from: "id" },
      { target: "customerEmail", from: "email", transforms: ["lower"] },
      { target: "amount", from: "total_price", transforms: ["to_float", { fn: "round", args: [1] }] },
      { target: "sku", from: "item.sku" },
    ]);
    expect(mapping.samples.map((s) => s.input)).toEqual([PASTED]);
    // The approved revision runs: the sandbox ERP receives the record as the builder showed it.
    const run = await service.api.post<Run>(`/blueprints/${blueprintId}/runs`, { records: [PASTED] });
    await expect
      .poll(async () => (await service.api.get<Run>(`/runs/${run.body.id}`)).body.status, { timeout: 10_000 })
      .toBe("SUCCEEDED");
    const erp = await service.api.get<{ received: unknown[] }>("/sandbox/erp-builder");
    expect(erp.body.received).toEqual([
      { orderId: "o-2001", customerEmail: "lin@example.com", amount: 19.9, sku: "CHAIR" },
    ]);
    await page.close();

    // The narrow window: the two columns and the rule table stay inside it.
    const narrow = await signedIn(760);
    await narrow.locator('[data-testid="builder-preview"] [data-testid="problem-count"]').waitFor();
    // The saved rule reading the sample-only field shows it connected on a fresh page.
    await narrow.locator('[data-source-field="item.sku"].connected').waitFor();
    expect(await layoutProblems(narrow)).toEqual([]);
    expect(await seriousViolations(narrow)).toEqual([]);
    await narrow.screenshot({ path: `${DOCS}console-mapping-builder-narrow.png`, fullPage: true });
    await narrow.close();

    expect(pageErrors).toEqual([]);
  },
  120_000,
);
