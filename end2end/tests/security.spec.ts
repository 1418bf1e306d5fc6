import { test, expect } from "@playwright/test";

// Every page is sent with its security headers: scripts only from this origin (the page's
// nonced inline scripts and the WASM they load), no framing, no referrer, no sniffing.
for (const route of ["/professor-lock", "/professor-lock/bets"]) {
  test(`security headers on ${route}`, async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (m) => { if (m.text().includes("Content Security Policy")) violations.push(m.text()); });
    const response = await page.goto(route);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic' 'wasm-unsafe-eval'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    // The policy lets the page hydrate: nothing it needs is blocked.
    await expect(page.locator("[data-hydrated=true]")).toBeAttached();
    expect(violations).toEqual([]);
  });
}
