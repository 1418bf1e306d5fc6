import { test, expect } from "@playwright/test";

test("the professor-lock page renders on the server and hydrates", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto("/professor-lock");
  await expect(page).toHaveTitle("Professor Lock");
  await expect(page.locator("h1")).toHaveText("Professor Lock");
  await expect(page.locator("#disclaimer")).toContainText("bet responsibly");
  await expect(page.locator("#thread-list")).toBeAttached();
  await expect(page.locator("#composer-input")).toBeVisible();

  // Wait for hydration (an Effect flips the marker), then use the interactive control.
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const toggle = page.locator("#odds-format-toggle");
  await expect(toggle).toHaveText("Odds: American");
  await toggle.click();
  await expect(toggle).toHaveText("Odds: Decimal");

  // The send button follows the draft: disabled when empty, enabled with text.
  await expect(page.locator("#composer-send")).toBeDisabled();
  await page.locator("#composer-input").fill("Show me tonight's NBA odds");
  await expect(page.locator("#composer-send")).toBeEnabled();

  // The start screen's prompts are one tap each: this one sends itself and builds the slip.
  const chips = page.locator("#prompt-chips button");
  await expect(chips).toHaveCount(5);
  await expect(chips.first()).toHaveText("Show me tonight's NBA odds");
  await page.locator("#composer-input").fill("");
  await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
  await expect(page.locator('[data-item="user_message"]')).toHaveText("Build me a parlay with 3 picks");
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toContainText("Lock It In");
  await expect(page.locator("#prompt-chips")).toHaveCount(0);

  await page.screenshot({ path: "screenshots/professor-lock.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("My bets' code is a WASM file of its own, fetched only when My bets is shown", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const wasm: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path);
  });
  const betsCode = () => wasm.filter((p) => p.includes("bets"));

  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  expect(wasm).toHaveLength(1);
  expect(betsCode()).toEqual([]);

  // Following the header's link fetches My bets' code once, and the page works.
  await page.locator("#nav-link").click();
  await expect(page).toHaveURL(/\/professor-lock\/bets$/);
  await expect(page.locator("#bets-empty")).toContainText("No bets yet.");
  expect(betsCode()).toHaveLength(1);
  await expect(page.locator("#limits")).toBeVisible();
  expect(errors).toEqual([]);
});
