import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

// What every console page must pass in the browser tests: layout at the window's width, and axe-core.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Nothing wider than the window, and no two of the page's blocks on top of each other. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const problems = [];
    if (document.documentElement.scrollWidth > window.innerWidth) {
      const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((el) => !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
        .slice(0, 3)
        .map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " to " + Math.round(el.getBoundingClientRect().right));
      problems.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + window.innerWidth + " (" + wide.join("; ") + ")");
    }
    for (const el of document.querySelectorAll("main .card, main table, main form, .topbar > *")) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1) problems.push((el.className || el.tagName) + " overflows to " + Math.round(box.right));
    }
    const cards = [...document.querySelectorAll("main .card")].map((el) => el.getBoundingClientRect());
    cards.forEach((a, i) => cards.slice(i + 1).forEach((b, j) => {
      const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
      if (overlap) problems.push("cards " + i + " and " + (i + j + 1) + " overlap");
    }));
    return problems;
  })()`);
}

/** axe-core's serious and critical violations on the page as it is. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
