import { test, expect } from "@playwright/test";

// The whole product loop on the offline model and the labelled demo data: ask for odds, build a
// parlay, change the stake (a sync widget action), lock it in (a streamed action).
test("asking, building a parlay and locking it in", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const input = page.locator("#composer-input");

  await input.fill("Show me tonight's NBA odds");
  await page.locator("#composer-send").click();
  await expect(page.locator("[data-item=user_message]").first()).toHaveText("Show me tonight's NBA odds");
  const board = page.locator("[data-item=widget]").first();
  await expect(board).toContainText("NBA odds");
  await expect(board).toContainText("DEMO DATA");
  await expect(board.locator("[data-widget=Table]").first()).toBeVisible();
  await expect(page.locator("[data-item=assistant_message]").first()).not.toBeEmpty();
  await expect(page.locator("#composer-send")).toBeDisabled(); // empty draft again

  await input.fill("Build me a parlay with 3 picks");
  await page.locator("#composer-send").click();
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toContainText("Lock It In");
  await expect(slip).toContainText("$23.83");

  const stake = slip.locator("input[name=stake]");
  await stake.fill("25");
  await slip.getByRole("button", { name: "Update" }).click();
  await expect(slip).toContainText(/\$59\.5\d/);

  await slip.getByRole("button", { name: "Lock It In" }).click();
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();
  await expect(page.locator("#turn-error")).toHaveCount(0);

  await page.screenshot({ path: "screenshots/professor-lock-chat.png", fullPage: true });
  expect(errors).toEqual([]);
});
