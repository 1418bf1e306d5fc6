import { test, expect, Page } from "@playwright/test";
import path from "node:path";

// Attachments from the composer: checked in the page, uploaded through the server's two-phase
// upload (attachments.create, then the signed link), sent with the message, shown in it.
const fixtures = path.join(__dirname, "..", "fixtures");

async function ready(page: Page) {
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
}

test("an image and a PDF are uploaded, sent with the message and still there after a reload", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/professor-lock");
  await ready(page);
  const input = page.locator("#attach-input");
  const pending = page.locator("#composer-attachments li");

  // The page refuses what the server would refuse, and says why, before any request.
  await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi") });
  await expect(page.locator("#attach-notice")).toHaveText(
    "notes.txt cannot be attached: only images (PNG, JPEG, WebP) and PDF files are accepted.");
  await input.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await expect(page.locator("#attach-notice")).toHaveText("huge.png is 10 MB; files can be at most 10 MB.");
  await expect(pending).toHaveCount(0);

  // The first upload of the image fails (as a broken connection would): it says so, Send
  // waits, and Retry uploads it.
  let failures = 0;
  await page.route("**/api/chatkit/attachments/*/upload?*", async (route) => {
    if (failures++ === 0) {
      await route.fulfill({ status: 500, contentType: "application/json",
        body: JSON.stringify({ error: { code: "internal", message: "the disk is full" } }) });
    } else {
      await route.continue();
    }
  });
  await input.setInputFiles(path.join(fixtures, "slip.png"));
  const png = pending.filter({ hasText: "slip.png" });
  await expect(png).toHaveAttribute("data-pending", "failed");
  await expect(png).toContainText("the disk is full");
  await page.locator("#composer-input").fill("What do you make of these?");
  await expect(page.locator("#composer-send")).toBeDisabled();
  await png.getByRole("button", { name: "Retry uploading slip.png" }).click();
  await expect(png).toHaveAttribute("data-pending", "ready");

  // The attach button works from the keyboard: it opens the file chooser.
  const chooser = page.waitForEvent("filechooser");
  await page.locator("#attach-button").focus();
  await page.keyboard.press("Enter");
  await (await chooser).setFiles(path.join(fixtures, "terms.pdf"));
  const pdf = pending.filter({ hasText: "terms.pdf" });
  await expect(pdf).toHaveAttribute("data-pending", "ready");

  // A third file is removed before sending: its attachment is deleted on the server.
  await input.setInputFiles({ name: "wrong.png", mimeType: "image/png", buffer: Buffer.from("not really a png") });
  const wrong = pending.filter({ hasText: "wrong.png" });
  await expect(wrong).toHaveAttribute("data-pending", "ready");
  const deleted = page.waitForRequest((r) => (r.postData() ?? "").includes("attachments.delete"));
  await wrong.getByRole("button", { name: "Remove wrong.png" }).click();
  await deleted;
  await expect(pending).toHaveCount(2);

  const created = page.waitForRequest((r) => (r.postData() ?? "").includes("threads.create"));
  await page.locator("#composer-send").click();
  const sent = JSON.parse((await created).postData() ?? "{}");
  expect(sent.request.params.input.attachments).toHaveLength(2);
  await expect(pending).toHaveCount(0);

  const message = page.locator("[data-item=user_message]").first();
  await expect(message).toContainText("What do you make of these?");
  const shown = async () => {
    const image = message.locator("img[data-attachment=image]");
    await expect(image).toHaveAttribute("alt", "slip.png");
    // The thumbnail really loaded, through the signed preview link.
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
    await expect(message.locator("[data-attachment=file]")).toHaveText(/PDF\s*terms\.pdf/);
  };
  await shown();
  await expect(page.locator("[data-item=assistant_message]").first()).not.toBeEmpty();
  await page.screenshot({ path: "screenshots/desktop-attachments.png" });

  await page.reload();
  await ready(page);
  await shown();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "screenshots/phone-attachments.png" });
  expect(errors).toEqual([]);
});
