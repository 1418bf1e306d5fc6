import { test, expect, Page } from "@playwright/test";

// The page at a phone's width (390 px) and a desktop's (1280 px): one-line header, the thread
// drawer on phones, nothing wider than the screen, the composer always on screen.

async function noHorizontalOverflow(page: Page) {
  const sizes = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(sizes.doc, "document wider than the screen").toBeLessThanOrEqual(sizes.inner);
  expect(sizes.body, "body wider than the screen").toBeLessThanOrEqual(sizes.inner);
}

async function headerIsOneLine(page: Page) {
  const header = page.locator("#page-header");
  const box = (await header.boundingBox())!;
  expect(box.height, "header taller than one line").toBeLessThanOrEqual(56);
  expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  // The name and the controls sit on the same line.
  const h1 = (await page.locator("h1").boundingBox())!;
  const toggle = (await page.locator("#odds-format-toggle").boundingBox())!;
  expect(h1.height).toBeLessThanOrEqual(32);
  expect(Math.abs(h1.y + h1.height / 2 - (toggle.y + toggle.height / 2))).toBeLessThanOrEqual(4);
}

async function composerOnScreen(page: Page) {
  const input = page.locator("#composer-input");
  await expect(input).toBeVisible();
  const box = (await input.boundingBox())!;
  const height = await page.evaluate(() => window.innerHeight);
  expect(box.y + box.height).toBeLessThanOrEqual(height);
  expect(box.y).toBeGreaterThan(0);
}

test.describe("phone, 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the thread drawer opens from the header and closes by Escape and a tap outside", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto("/professor-lock");
    await expect(page.locator("[data-hydrated=true]")).toBeAttached();
    await headerIsOneLine(page);
    await noHorizontalOverflow(page);
    await composerOnScreen(page);

    const drawer = page.locator("#thread-drawer");
    const menu = page.getByRole("button", { name: "Open threads" });
    await expect(drawer).toBeHidden();
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "false");

    await menu.click();
    await expect(drawer).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(page.locator("#new-chat")).toBeVisible();
    await expect(page.getByRole("button", { name: "Close threads" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(menu).toBeFocused();

    await menu.click();
    await expect(drawer).toBeVisible();
    // A tap on the dimmed page beside the drawer closes it.
    await page.mouse.click(375, 420);
    await expect(drawer).toBeHidden();

    // A conversation with wide widgets (the odds board, the slip) still fits the screen.
    await page.locator('[data-prompt="Show me tonight\'s NBA odds"]').click();
    await expect(page.locator("[data-item=widget]").first()).toContainText("NBA odds");
    await page.locator("#composer-input").fill("Build me a parlay with 3 picks");
    await page.locator("#composer-send").click();
    const slip = page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" });
    await expect(slip).toContainText("Lock It In");
    await noHorizontalOverflow(page);
    await headerIsOneLine(page);
    await composerOnScreen(page);
    await page.screenshot({ path: "screenshots/phone-chat.png" });

    // The conversation is in the drawer; picking it closes the drawer.
    await menu.click();
    const listed = page.locator("#thread-list [data-thread]");
    await expect(listed).toHaveCount(1);
    await page.screenshot({ path: "screenshots/phone-drawer.png" });
    await listed.first().click();
    await expect(drawer).toBeHidden();
    await expect(page.locator("[data-item=user_message]")).toHaveCount(2);
    expect(errors).toEqual([]);
  });

  test("My bets fits the phone too", async ({ page }) => {
    await page.goto("/professor-lock/bets");
    await expect(page.locator("[data-hydrated=true]")).toBeAttached();
    await expect(page.locator("#bets-empty")).toBeVisible();
    await headerIsOneLine(page);
    await noHorizontalOverflow(page);
    await page.screenshot({ path: "screenshots/phone-bets.png", fullPage: true });
  });
});

test.describe("desktop, 1280 px", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("the thread list is a column, the header one line, nothing overflows", async ({ page }) => {
    await page.goto("/professor-lock");
    await expect(page.locator("[data-hydrated=true]")).toBeAttached();
    await expect(page.locator("#thread-drawer")).toBeVisible();
    await expect(page.getByRole("button", { name: "Open threads" })).toBeHidden();
    // Escape does not hide the desktop column.
    await page.keyboard.press("Escape");
    await expect(page.locator("#thread-drawer")).toBeVisible();
    await headerIsOneLine(page);
    await page.locator('[data-prompt="Build me a parlay with 3 picks"]').click();
    await expect(page.locator("[data-item=widget]").filter({ hasText: "Parlay slip" })).toContainText("Lock It In");
    await noHorizontalOverflow(page);
    await composerOnScreen(page);
    await page.screenshot({ path: "screenshots/desktop-chat.png" });
  });
});
