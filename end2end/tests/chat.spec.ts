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
  await expect(slip).toContainText("$317.69");
  // Picks are ranked by EV at the best price; each leg shows its EV and the market's probability.
  await expect(slip).toContainText("EV -1.9% at this price");
  await expect(slip).toContainText("Market prob. 27%");
  // Philadelphia's Joel Embiid is out in the demo injury report: the 76ers leg says so.
  await expect(slip).toContainText("Injury: Joel Embiid (Out)");
  // The transcript has followed the answer down to its end.
  await expect.poll(() => page.locator("#transcript").evaluate(
    (el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(80);
  // The answer's Markdown is rendered (bold picks), not shown as asterisks.
  await expect(page.locator("[data-item=assistant_message] strong").first()).toBeVisible();
  await expect(page.locator("[data-item=assistant_message]").filter({ hasText: "**" })).toHaveCount(0);

  // Prices follow the header's odds format: +3077 is 31.77 decimal, 3077/100 fractional.
  const toggle = page.locator("#odds-format-toggle");
  await toggle.click();
  await expect(toggle).toHaveText("Odds: Decimal");
  await expect(slip).toContainText("31.77");
  await expect(slip).not.toContainText("+3077");
  await toggle.click();
  await expect(slip).toContainText("3077/100");
  await toggle.click();
  await expect(toggle).toHaveText("Odds: American");
  await expect(slip).toContainText("+3077");

  const stake = slip.locator("input[name=stake]");
  await stake.fill("25");
  await slip.getByRole("button", { name: "Update" }).click();
  await expect(slip).toContainText("$794.21");

  await slip.getByRole("button", { name: "Lock It In" }).click();
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();
  await expect(page.locator("#turn-error")).toHaveCount(0);

  // A tool added as one file (injury_report) works from the page like the seed tools.
  await input.fill("Any injury news for the Lakers?");
  await page.locator("#composer-send").click();
  const injuries = page.locator("[data-item=widget]").filter({ hasText: "Injuries · NBA" });
  await expect(injuries).toContainText("Anthony Davis (F)");
  await expect(injuries).toContainText("Day-To-Day");
  await expect(injuries).toContainText("DEMO DATA");

  await page.screenshot({ path: "screenshots/professor-lock-chat.png", fullPage: true });

  // The conversation is in the thread list, titled by its first message, and reopens intact.
  const listed = page.locator("#thread-list [data-thread]");
  await expect(listed).toHaveCount(1);
  await expect(listed.first()).toHaveText("Show me tonight's NBA odds");
  // The open thread is in the address, so a reload reopens it.
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("[data-item=user_message]")).toHaveCount(3);
  // A fresh visit starts empty; the list reopens the thread.
  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("[data-item]")).toHaveCount(0);
  await page.locator("#thread-list [data-thread]").first().click();
  await expect(page.locator("[data-item=user_message]")).toHaveCount(3);
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();

  // A new chat starts empty and becomes a second thread.
  await page.locator("#new-chat").click();
  await expect(page.locator("[data-item]")).toHaveCount(0);
  await input.fill("How many points is LeBron averaging?");
  await page.locator("#composer-send").click();
  await expect(page.locator("[data-item=widget]").first()).toContainText("LeBron");
  await expect(page.locator("#thread-list [data-thread]")).toHaveCount(2);
  await expect(page.locator("#thread-list [data-thread]").first()).toHaveText("How many points is LeBron averaging?");
  expect(errors).toEqual([]);
});
