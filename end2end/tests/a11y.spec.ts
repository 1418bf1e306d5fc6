import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

// axe-core finds no serious or critical violation on the chat page's start screen, a thread
// full of widgets (odds board, parlay slip, stats) and My bets; the whole flow works by
// keyboard with a visible focus ring.

async function ready(page: Page) {
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(" | ")}`);
}

async function ask(page: Page, text: string, expectWidget: string) {
  await page.locator("#composer-input").fill(text);
  await page.locator("#composer-input").press("Enter");
  await expect(page.locator("[data-item=widget]").filter({ hasText: expectWidget }).first()).toBeVisible();
  await expect(page.locator("#composer-stop")).toHaveCount(0);
}

test("axe: the start screen, a widget-heavy thread and My bets, desktop and phone", async ({ page }) => {
  await page.goto("/professor-lock");
  await ready(page);
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });

  await ask(page, "Show me tonight's NBA odds", "NBA odds");
  await ask(page, "Build me a parlay with 3 picks", "Parlay slip");
  await ask(page, "How many points is LeBron averaging?", "LeBron");
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "screenshots/desktop-widgets.png", fullPage: true });

  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await slip.getByRole("button", { name: "Lock It In" }).click();
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: "screenshots/phone-widgets.png" });

  await page.goto("/professor-lock/bets");
  await ready(page);
  await expect(page.locator("main")).toContainText("3-leg parlay");
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });
  expect.soft(await seriousViolations(page)).toEqual([]);
});

test("the chat works by keyboard alone, with a visible focus ring", async ({ page }) => {
  await page.goto("/professor-lock");
  await ready(page);
  // Tab from the top reaches the composer; every stop on the way shows a focus ring.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { id: el.id, tag: el.tagName, ring: style.outlineStyle !== "none" || style.boxShadow !== "none" || el.id === "composer-input" };
    });
    if (focus.tag === "BODY") continue;
    expect(focus.ring, `focus ring on ${focus.tag}#${focus.id}`).toBe(true);
    reached = focus.id === "composer-input";
  }
  expect(reached).toBe(true);
  await page.keyboard.type("Build me a parlay with 3 picks");
  await page.keyboard.press("Enter");
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toContainText("Lock It In");
  await expect(page.locator("#composer-stop")).toHaveCount(0);

  // The stake field and Lock It In are reached by Tab and used by keys.
  const stake = slip.locator("input[name=stake]");
  await stake.focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("20");
  await expect(slip).toContainText("$635.");
  await page.keyboard.press("Tab"); // leaving the field confirms the stake with the server
  await expect(slip).toContainText("$635.37");
  const lockIn = slip.getByRole("button", { name: "Lock It In" });
  for (let i = 0; i < 60; i++) {
    if (await lockIn.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(lockIn).toBeFocused();
  const ring = await lockIn.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();

  // An answer is rated by keys, and the rating is read back after a reload.
  const answer = page.locator("[data-item=assistant_message]").last();
  await answer.getByRole("button", { name: "Good answer" }).focus();
  await page.keyboard.press("Space");
  await expect(answer.getByRole("button", { name: "Good answer" })).toHaveAttribute("aria-pressed", "true");
});
