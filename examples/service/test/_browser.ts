import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/** Why the console's browser tests cannot run here (Debian's Chromium is missing), or `false`. */
export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing (apt-get install chromium)`;
// Skipping is for a developer's machine; CI must run the browser tests.
if (chromiumMissing && process.env.CI === "true")
  throw new Error(`CI=true requires Chromium: ${chromiumMissing}`);

/** Debian's headless Chromium with the flags every console test needs, plus a test's own. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      ...extraArgs,
    ],
  });
}
