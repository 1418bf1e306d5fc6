import { test, expect, Page } from "@playwright/test";

// Thread and message tasks: the textarea composer, the thread in the address, rename, delete,
// Retry after a broken stream, copy and feedback, and user text rendered as text.

async function ready(page: Page) {
  await expect(page.locator("[data-hydrated=true]")).toBeAttached();
}

test("composer keys, the thread in the URL, rename and delete", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/professor-lock");
  await ready(page);
  const input = page.locator("#composer-input");
  await expect(input).toHaveJSProperty("tagName", "TEXTAREA");

  // Shift+Enter breaks the line, Enter sends.
  await input.click();
  await input.pressSequentially("Show me tonight's NBA odds");
  await input.press("Shift+Enter");
  await input.pressSequentially("please");
  await expect(input).toHaveValue("Show me tonight's NBA odds\nplease");
  await input.press("Enter");
  const sent = page.locator("[data-item=user_message]").first();
  await expect(sent).toBeVisible();
  expect(await sent.evaluate((el) => el.textContent)).toBe("Show me tonight's NBA odds\nplease");
  await expect(input).toHaveValue("");
  await expect(page.locator("[data-item=widget]").first()).toContainText("NBA odds");

  // The open thread is in the address; a reload reopens it.
  await expect(page).toHaveURL(/\/professor-lock\?thread=thr_/);
  const url = page.url();
  await page.reload();
  await ready(page);
  await expect(page.locator("[data-item=user_message]")).toHaveCount(1);
  await expect(page.locator("[data-item=widget]").first()).toContainText("NBA odds");
  expect(page.url()).toBe(url);

  // Rename inline: Enter saves, and the name is stored.
  const row = page.locator("#thread-list li").first();
  await row.getByRole("button", { name: /^Rename / }).click();
  const title = page.getByLabel("Thread title");
  await expect(title).toBeFocused();
  await title.fill("Tonight's slate");
  await title.press("Enter");
  await expect(page.locator("#thread-list [data-thread]").first()).toHaveText("Tonight's slate");
  // Escape cancels a rename.
  await page.locator("#thread-list li").first().getByRole("button", { name: "Rename Tonight's slate" }).click();
  await page.getByLabel("Thread title").fill("not this");
  await page.getByLabel("Thread title").press("Escape");
  await expect(page.locator("#thread-list [data-thread]").first()).toHaveText("Tonight's slate");
  await page.reload();
  await ready(page);
  await expect(page.locator("#thread-list [data-thread]").first()).toHaveText("Tonight's slate");

  // Delete asks first; Cancel keeps it, Delete removes it and empties the open chat.
  await page.getByRole("button", { name: "Delete Tonight's slate" }).click();
  await page.getByRole("group", { name: "Confirm delete" }).getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator("#thread-list [data-thread]")).toHaveCount(1);
  await page.getByRole("button", { name: "Delete Tonight's slate" }).click();
  await page.locator("[data-confirm-delete]").click();
  await expect(page.locator("#thread-list [data-thread]")).toHaveCount(0);
  await expect(page.locator("[data-item]")).toHaveCount(0);
  await expect(page).toHaveURL(/\/professor-lock$/);
  await page.reload();
  await ready(page);
  await expect(page.locator("#thread-list [data-thread]")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("Retry after a broken stream, copy an answer, thumbs up", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/professor-lock");
  await ready(page);

  // The first turn's stream breaks after the user's message (the server finished the turn).
  let broke = false;
  await page.route("**/api/ui/chatkit_stream", async (route) => {
    const response = await route.fetch();
    const lines = (await response.text()).split("\n").filter((l) => l.trim());
    const upTo = lines.findIndex((l) => l.includes('"type":"user_message"'));
    expect(upTo).toBeGreaterThanOrEqual(0);
    const body = lines.slice(0, upTo + 1)
      .concat(['{"type":"error","code":"stream.error","allow_retry":true}'])
      .join("\n") + "\n";
    broke = true;
    await route.fulfill({ response, body });
  });
  await page.locator("#composer-input").fill("How many points is LeBron averaging?");
  await page.locator("#composer-send").click();
  await expect(page.locator("#turn-error")).toContainText("try again");
  expect(broke).toBe(true);
  await expect(page.locator("[data-item=assistant_message]")).toHaveCount(0);
  await page.unroute("**/api/ui/chatkit_stream");

  const retried = page.waitForRequest((r) => (r.postData() ?? "").includes("threads.retry_after_item"));
  await page.locator("#retry-turn").click();
  await retried;
  await expect(page.locator("[data-item=widget]").first()).toContainText("LeBron");
  await expect(page.locator("[data-item=assistant_message]")).toHaveCount(1);
  await expect(page.locator("[data-item=user_message]")).toHaveCount(1);
  await expect(page.locator("#turn-error")).toHaveCount(0);
  // After a reload the thread holds one question and one answer (the retry replaced the rest).
  await page.reload();
  await ready(page);
  await expect(page.locator("[data-item=user_message]")).toHaveCount(1);
  await expect(page.locator("[data-item=assistant_message]")).toHaveCount(1);

  // Copy puts the answer's text on the clipboard.
  const answer = page.locator("[data-item=assistant_message]").first();
  await answer.getByRole("button", { name: "Copy answer" }).click();
  await expect(answer.getByRole("button", { name: "Copy answer" })).toHaveText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("LeBron");
  expect(copied).not.toContain("Copy"); // the answer, not the buttons under it

  // Thumbs up is stored by the server (items.feedback answers 200) and shown pressed.
  const stored = page.waitForResponse((r) => (r.request().postData() ?? "").includes("items.feedback"));
  await answer.getByRole("button", { name: "Good answer" }).click();
  expect((await stored).status()).toBe(200);
  await expect(answer.getByRole("button", { name: "Good answer" })).toHaveAttribute("aria-pressed", "true");
  await expect(answer.getByRole("button", { name: "Bad answer" })).toHaveAttribute("aria-pressed", "false");

  // The rating is stored, not only shown: a reload reads it back from the server, and a
  // change of mind replaces it.
  await page.reload();
  await ready(page);
  const reloaded = page.locator("[data-item=assistant_message]").first();
  await expect(reloaded.getByRole("button", { name: "Good answer" })).toHaveAttribute("aria-pressed", "true");
  await expect(reloaded.getByRole("button", { name: "Bad answer" })).toHaveAttribute("aria-pressed", "false");
  const changed = page.waitForResponse((r) => (r.request().postData() ?? "").includes("items.feedback"));
  await reloaded.getByRole("button", { name: "Bad answer" }).click();
  expect((await changed).status()).toBe(200);
  await page.reload();
  await ready(page);
  const again = page.locator("[data-item=assistant_message]").first();
  await expect(again.getByRole("button", { name: "Bad answer" })).toHaveAttribute("aria-pressed", "true");
  await expect(again.getByRole("button", { name: "Good answer" })).toHaveAttribute("aria-pressed", "false");
});

test("HTML typed by the user stays text", async ({ page }) => {
  await page.goto("/professor-lock");
  await ready(page);
  const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>`;
  await page.locator("#composer-input").fill(payload);
  await page.locator("#composer-send").click();
  const message = page.locator("[data-item=user_message]").first();
  await expect(message).toHaveText(payload);
  await expect(page.locator("[data-item=assistant_message]").first()).not.toBeEmpty();
  await expect(page.locator("#transcript img, #transcript script, #transcript b")).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  // The thread list shows the title (the message) as text too.
  await expect(page.locator("#thread-list [data-thread]").first()).toContainText("<img");
});

test("HTML the model repeats back stays text", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto("/professor-lock");
  await ready(page);
  const payload = `<img src=x onerror="alert(1)"><script>alert(2)</script><svg onload="alert(3)"></svg>`;
  const visibleMedia = () => page.evaluate(() =>
    [...document.querySelectorAll("img, script, svg, iframe, object")]
      .filter((el) => el.getAttribute("aria-hidden") !== "true").length);
  const before = await visibleMedia();
  // The offline model's web search quotes the query in its answer (Markdown, built element
  // by element) and in its widget.
  await page.locator("#composer-input").fill(`Search for ${payload}`);
  await page.locator("#composer-send").click();
  const answer = page.locator("[data-item=assistant_message]").first();
  await expect(answer).toContainText(payload);
  await expect(page.locator("#composer-stop")).toHaveCount(0);
  await expect(page.locator("#transcript script, #transcript img")).toHaveCount(0);
  await expect(answer.locator("svg:not([aria-hidden=true])")).toHaveCount(0);
  // Nothing but the page's own hidden icons was added: no element came from the text.
  expect(await visibleMedia()).toBe(before);
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
});

test("the thread list pages past its first 20 threads", async ({ page }) => {
  await page.goto("/professor-lock");
  await ready(page);
  // 21 threads through the page's own door (same cookie, same engine), oldest first.
  for (let i = 1; i <= 21; i++) {
    const response = await page.request.post("/api/ui/chatkit_stream", {
      data: { request: { type: "threads.create", params: { input: {
        content: [{ type: "input_text", text: `Thread ${i}` }], attachments: [], inference_options: {},
      } } } },
    });
    expect(response.status()).toBe(200);
    await response.body();
  }
  await page.reload();
  await ready(page);
  const listed = page.locator("#thread-list [data-thread]");
  await expect(listed).toHaveCount(20);
  await expect(listed.first()).toHaveText("Thread 21");
  await page.locator("#more-threads").click();
  await expect(listed).toHaveCount(21);
  await expect(listed.last()).toHaveText("Thread 1");
  await expect(page.locator("#more-threads")).toHaveCount(0);
});

test("Escape in the composer stops a running turn", async ({ page }) => {
  await page.goto("/professor-lock");
  await ready(page);
  const input = page.locator("#composer-input");
  await input.fill("Show me tonight's NBA odds");
  await input.press("Enter");
  await expect(page.locator("[data-item=widget]").first()).toContainText("NBA odds");
  // The next turn is held back, so it is still running when Escape is pressed.
  await page.route("**/api/ui/chatkit_stream", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await input.fill("How many points is LeBron averaging?");
  await input.press("Enter");
  await expect(page.locator("#composer-stop")).toBeVisible();
  await expect(page.locator("#composer-send")).toBeDisabled();
  const cancel = page.waitForRequest((r) => r.url().endsWith("/api/ui/cancel_turn"));
  await input.press("Escape");
  const sent = await cancel;
  expect(sent.postData()).toContain("thread_id=thr_");
  // The turn ends either way and the composer is free again.
  await expect(page.locator("#composer-stop")).toHaveCount(0, { timeout: 20_000 });
  await input.fill("Thanks");
  await expect(page.locator("#composer-send")).toBeEnabled();
});
