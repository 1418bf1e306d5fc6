import { defineConfig, devices } from "@playwright/test";

// Debian's chromium, never a downloaded browser. The background-networking flags keep it from
// dialling Google on this machine's closed network.
const chromiumArgs = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "./test-results",
  use: { baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000", trace: "off" },
  projects: [{
    name: "chromium",
    use: { ...devices["Desktop Chrome"], launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: chromiumArgs } },
  }],
});
