import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./_browser";
import { startService, type TestService } from "./helpers";

/**
 * Where a console test writes its screenshots: docs/ (the README's pictures) with
 * `UPDATE_SCREENSHOTS=1`, else `test-output/<test>/`, so test runs leave the checkout clean.
 */
export function screenshotDir(test: string): string {
  const dir = fileURLToPath(
    new URL(process.env.UPDATE_SCREENSHOTS === "1" ? "../docs/" : `../test-output/${test}/`, import.meta.url),
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A running service and Debian's headless Chromium, with console users who sign in. */
export interface ConsoleSession {
  service: TestService;
  browser: Browser;
  /** The uncaught errors of every page `signIn` opened: a test expects none. */
  pageErrors: string[];
  /** Creates console users, each with a role on `projectId`; the password is `<name>-long-password`. */
  addUsers(projectId: string, roles: Readonly<Record<string, string>>): Promise<void>;
  /** A fresh page (its own cookies) `width` pixels wide, signed in as `name`. */
  signIn(name: string, width?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the service (memory store) and Chromium for a console test. */
export async function startConsole(): Promise<ConsoleSession> {
  const service = await startService();
  const browser = await launchChromium();
  const pageErrors: string[] = [];
  return {
    service,
    browser,
    pageErrors,
    async addUsers(projectId, roles) {
      for (const [name, role] of Object.entries(roles)) {
        const created = await service.api.post("/users", {
          name,
          password: `${name}-long-password`,
          grants: { [projectId]: role },
        });
        if (created.status !== 201) throw new Error(`user ${name}: POST /users answered ${created.status}`);
      }
    },
    signIn: (name, width = 1360) => signInPage(browser, service.baseUrl, name, pageErrors, width),
    async close() {
      await browser.close();
      await service.close();
    },
  };
}

/**
 * A new page of `browser` on the console at `baseUrl`, signed in as `name` (password
 * `<name>-long-password`, as `addUsers` makes them); the page's script errors go to `pageErrors`.
 */
export async function signInPage(
  browser: Browser,
  baseUrl: string,
  name: string,
  pageErrors: string[],
  width = 1360,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${baseUrl}/console/`);
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', `${name}-long-password`);
  await page.click('button:has-text("Sign in")');
  await page.locator("#user", { hasText: name }).waitFor();
  return page;
}
