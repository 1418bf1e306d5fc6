import { test, expect, Page, Locator } from "@playwright/test";

// The slip computes as you type (no request until the field is left), Lock It In cannot be
// sent twice, the locked bet is in My bets after a reload, and the limits panel's changes hold
// on the server: a loosening waits, a stake cap refuses the next lock-in.

async function buildSlip(page: Page): Promise<Locator> {
  await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
  const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
  await expect(slip).toContainText("Lock It In");
  return slip;
}

test("the slip computes as you type, explains bad stakes and locks in once", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const slip = await buildSlip(page);
  const payout = slip.locator("[data-live=payout]");
  await expect(payout).toContainText("$317.69"); // the server's figure for the default $10

  // From here on, count what the page asks the server while the bettor types.
  const calls: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/ui/")) calls.push(r.postData() ?? r.url()); });
  const stake = slip.locator("input[name=stake]");
  await stake.click();
  await stake.press("Control+a");
  await stake.pressSequentially("2");
  await expect(payout).toContainText("$63.54");
  await stake.pressSequentially("5");
  await expect(payout).toContainText("$794.21");
  await expect(slip.locator("[data-live=profit]")).toContainText("Profit $769.21 if every leg wins");
  await expect(slip.locator("[data-live=combined-odds]")).toContainText("+3077");

  // Bad stakes say why, beside the field, and Lock It In waits for a good one.
  const error = slip.locator("[data-stake-error]");
  const lockIn = slip.getByRole("button", { name: "Lock It In" });
  await stake.fill("abc");
  await expect(error).toHaveText("Enter an amount like 25 or 25.50.");
  await expect(stake).toHaveAttribute("aria-invalid", "true");
  await expect(payout).toContainText("—");
  await expect(lockIn).toBeDisabled();
  await stake.fill("0.50");
  await expect(error).toHaveText("The smallest stake is $1.00.");
  await stake.fill("1000.01");
  await expect(error).toHaveText("The largest stake is $1,000.00.");
  await stake.fill("1.005");
  await expect(error).toHaveText("Stakes are in whole cents: at most two decimals.");
  await stake.fill("25");
  await expect(error).toHaveText("");
  await expect(stake).toHaveAttribute("aria-invalid", "false");
  await expect(lockIn).toBeEnabled();
  expect(calls, "typing asked the server").toEqual([]);

  // Leaving the field confirms the stake with the server; its figure is the same.
  const confirmed = page.waitForResponse((r) => r.url().includes("/api/ui/chatkit_call") && r.request().postData()!.includes("parlay.set_stake"));
  await stake.press("Tab");
  expect((await confirmed).status()).toBe(200);
  await expect(payout).toContainText("$794.21");

  // Lock It In: a slow answer shows its loading state, and a double click sends one request.
  await page.route("**/api/ui/chatkit_stream", async (route) => {
    await new Promise((r) => setTimeout(r, 1200));
    await route.continue();
  });
  const lockIns: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/ui/chatkit_stream") && (r.postData() ?? "").includes("parlay.lock_in")) lockIns.push(r.url()); });
  await slip.getByRole("button", { name: "Lock It In" }).dblclick();
  const busy = slip.locator("button[aria-busy=true]");
  await expect(busy).toHaveText("Locking in…");
  await expect(busy).toBeDisabled();
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toBeVisible();
  await page.unroute("**/api/ui/chatkit_stream");
  expect(lockIns).toHaveLength(1);
  await expect(page.locator("#turn-error")).toHaveCount(0);

  // My bets lists it, open, and still does after a reload.
  await page.locator("#nav-link").click();
  await expect(page).toHaveURL(/\/professor-lock\/bets$/);
  const bets = page.locator("#bet-list [data-bet]");
  await expect(bets).toHaveCount(1);
  await expect(bets.first()).toContainText("3-leg parlay");
  await expect(bets.first()).toContainText("Pending");
  await expect(bets.first()).toContainText("Stake $25.00");
  await expect(bets.first()).toContainText("To pay $794.21");
  await expect(page.locator("[data-stat=open]")).toHaveText("1 · $25.00");
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("#bet-list [data-bet]")).toHaveCount(1);

  // Filters live in the address: settled shows none, open and the sport show the bet.
  await page.locator("[data-status-filter=settled]").click();
  await expect(page).toHaveURL(/status=settled/);
  await expect(page.locator("#bets-none-match")).toBeVisible();
  await expect(page.locator("[data-stat=roi]")).toHaveText("—");
  await page.reload();
  await expect(page.locator("#bets-none-match")).toBeVisible();
  await page.locator("[data-status-filter=open]").click();
  await expect(page.locator("#bet-list [data-bet]")).toHaveCount(1);
  await page.locator("[data-sport-filter=nba]").click();
  await expect(page).toHaveURL(/status=open&sport=nba/);
  await expect(page.locator("#bet-list [data-bet]")).toHaveCount(1);
  // Exactly the chosen chips are marked current.
  await expect(page.locator("[data-status-filter][aria-current=page]")).toHaveText(["Open"]);
  await expect(page.locator("[data-sport-filter][aria-current=page]")).toHaveText(["NBA"]);
  await page.screenshot({ path: "screenshots/desktop-bets.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("limits: tighten at once, loosen later, a cap refuses the lock-in, a cool-off", async ({ page }) => {
  await page.goto("/professor-lock/bets");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("#bets-empty")).toContainText("No bets yet.");

  const daily = page.locator("form[data-limit=daily_stake]");
  await daily.getByLabel("Daily stake cap").fill("5");
  await daily.getByRole("button", { name: "Set" }).click();
  await expect(page.locator("#limits-message")).toHaveText("Daily stake cap set to $5.00, in force now.");
  await expect(page.locator("form[data-limit=daily_stake] [data-current]")).toContainText("Now: $5.00");

  // Loosening waits the delay; the tighter cap holds meanwhile.
  await page.locator("form[data-limit=daily_stake]").getByLabel("Daily stake cap").fill("50");
  await page.locator("form[data-limit=daily_stake]").getByRole("button", { name: "Set" }).click();
  await expect(page.locator("#limits-message")).toContainText("Daily stake cap goes to $50.00 from");
  await expect(page.locator("#limits-message")).toContainText("loosening waits 24 hours");
  await expect(page.locator("form[data-limit=daily_stake] [data-pending]")).toContainText("Goes to $50.00 from");
  await expect(page.locator("form[data-limit=daily_stake] [data-current]")).toContainText("Now: $5.00");
  // A bad amount is refused with the reason.
  await page.locator("form[data-limit=weekly_loss]").getByLabel("Weekly loss limit").fill("abc");
  await page.locator("form[data-limit=weekly_loss]").getByRole("button", { name: "Set" }).click();
  await expect(page.locator("#limits-error")).toBeVisible();
  // The limits survive a reload (stored on the server).
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("form[data-limit=daily_stake] [data-current]")).toContainText("Now: $5.00");
  await expect(page.locator("form[data-limit=daily_stake] [data-pending]")).toContainText("Goes to $50.00 from");

  // The $5 cap refuses a $10 lock-in.
  await page.locator("#nav-link").click();
  await expect(page).toHaveURL(/\/professor-lock$/);
  const slip = await buildSlip(page);
  await slip.getByRole("button", { name: "Lock It In" }).click();
  await expect(page.locator("#transcript")).toContainText("daily stake cap of $5.00");
  await expect(page.locator("[data-item=widget]").filter({ hasText: "locked in" })).toHaveCount(0);

  // A cool-off, after its confirm.
  await page.locator("#nav-link").click();
  await page.locator("#cool-off-length").selectOption("7d");
  await page.locator("#start-cool-off").click();
  await expect(page.getByRole("group", { name: "Confirm break" })).toContainText("Start a 7d cool-off?");
  await page.locator("#confirm-break").click();
  await expect(page.locator("#limits-message")).toContainText("Cool-off: no bets until");
  await expect(page.locator("[data-break]")).toContainText("Cool-off until");
  await expect(page.locator("#bets-empty")).toBeVisible();
});
