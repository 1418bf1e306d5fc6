import { test, expect } from "@playwright/test";

// Against the second server of scripts/e2e, whose model streams one word every 150 ms
// (PL_RESPONDER=scripted-slow), so Stop lands in the middle of a real turn.
test.use({ baseURL: process.env.SLOW_BASE_URL });

test("Stop mid-turn keeps the partial answer, also after a reload", async ({ page }) => {
  expect(process.env.SLOW_BASE_URL, "scripts/e2e starts the slow server").toBeTruthy();
  await page.goto("/professor-lock");
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  const input = page.locator("#composer-input");
  await input.fill("Tell me everything about tonight");
  await input.press("Enter");

  const answer = page.locator("[data-item=assistant_message]").first();
  // Streamed answers are in the transcript's polite live region.
  await expect(page.locator("[aria-live=polite] [data-item=assistant_message]")).toHaveCount(1);
  await expect(answer).toContainText("deliberately slow");
  await page.locator("#composer-stop").click();
  await expect(page.locator("#composer-stop")).toHaveCount(0, { timeout: 5_000 });
  await expect(page.locator("#composer-send")).toBeDisabled(); // free again, draft empty
  const text = page.locator("[data-item=assistant_message] p").first();
  const kept = (await text.textContent()) ?? "";
  expect(kept).toContain("deliberately slow");
  expect(kept).not.toContain("THE-END");
  // The turn really ended: nothing more arrives.
  await page.waitForTimeout(1_000);
  await expect(text).toHaveText(kept);
  await expect(page.locator("#turn-error")).toHaveCount(0);

  // The partial answer was stored as it was shown.
  await page.reload();
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
  await expect(page.locator("[data-item=assistant_message] p").first()).toHaveText(kept);
  await expect(page.locator("[data-item=user_message]")).toHaveText("Tell me everything about tonight");
});
