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

// `cargo leptos build --split`: the page hydrates with its own WASM; the code that draws answers
// and widgets (`ui::rich`) and My bets' code are files of their own, fetched when first needed.
test("the page hydrates with its own WASM; the answer renderer and My bets come when needed", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const wasm: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path);
  });
  const fetched = (part: string) => wasm.filter((p) => p.includes(part));

  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/\/professor_lock\.[^/]+\.wasm$/);

  // Starting a conversation fetches the renderer once; answers and widgets are drawn with it.
  await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toContainText("Lock It In");
  await expect(page.locator("[data-item=assistant_message] strong").first()).toBeVisible();
  expect(fetched("split_rich")).toHaveLength(1);
  expect(fetched("bets")).toEqual([]);

  // Following the header's link fetches My bets' code once, and the page works.
  await page.locator("#nav-link").click();
  await expect(page).toHaveURL(/\/professor-lock\/bets$/);
  await expect(page.locator("#bets-empty")).toContainText("No bets yet.");
  expect(fetched("bets")).toHaveLength(1);
  await expect(page.locator("#limits")).toBeVisible();
  expect(fetched("split_rich")).toHaveLength(1);
  expect(errors).toEqual([]);
});

// A renderer that cannot be fetched (offline, a redeploy under an open page) loses nothing: the
// answer shows as written, a widget says it could not be drawn, and a later item tries again.
test("an answer still shows when its renderer cannot be fetched", async ({ page }) => {
  let refuse = true;
  await page.route(/split_rich\.[^/]+\.wasm$/, (route) => (refuse ? route.abort() : route.continue()));
  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();

  await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
  const answer = page.locator("[data-item=assistant_message]").first();
  await expect(answer.locator("[data-renderer=missing]")).not.toBeEmpty();
  const missing = page.locator("[data-item=widget] [data-renderer=missing]");
  await expect(missing.first()).toContainText("could not be drawn");
  await expect(page.locator("#composer-stop")).toHaveCount(0); // the turn is over

  // Back online: Try again draws the slip in place, and the next answer is drawn too.
  refuse = false;
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toHaveCount(0);
  const retries = page.locator("[data-renderer=retry]");
  const cards = await retries.count();
  expect(cards).toBeGreaterThan(0);
  for (let i = 0; i < cards; i++) {
    await retries.first().click();
    await expect(retries).toHaveCount(cards - i - 1);
  }
  await expect(slip.getByRole("button", { name: "Lock It In" })).toBeVisible();
  await page.locator("#composer-input").fill("Show me tonight's NBA odds");
  await page.locator("#composer-send").click();
  const board = page.locator("[data-item=widget]").filter({ hasText: "NBA odds" });
  await expect(board.locator("[data-widget=Table]").first()).toBeVisible();
});
