// The real app in its real window, driven through tauri-driver and
// WebKitWebDriver: what a person sees when Tandem opens.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { remote } from "webdriverio";
import { appBinary, appVersion, artifactsDir, privateEnv, start, waitFor } from "./harness.mjs";

const driverBinary = process.env.TAURI_DRIVER ?? "tauri-driver";
const port = Number(process.env.TAURI_DRIVER_PORT ?? 4444);

describe("switcher window", () => {
  let driver;
  let browser;
  let home;

  before(async () => {
    const isolated = privateEnv();
    home = isolated.home;
    driver = start(driverBinary, ["--port", String(port), "--native-port", String(port + 1)], { env: isolated.env });
    await waitFor("tauri-driver", async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/status`)).ok;
      } catch {
        return false;
      }
    });
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      capabilities: {
        "tauri:options": { application: appBinary },
        // WebKitWebDriver speaks classic WebDriver only, not BiDi.
        "wdio:enforceWebDriverClassic": true,
      },
    });
  });

  after(async () => {
    await browser?.deleteSession();
    driver?.kill();
    await driver?.exited;
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("shows its title", async () => {
    assert.equal(await browser.getTitle(), "Tandem");
    const heading = await browser.$("#title");
    await heading.waitForDisplayed({ timeout: 15000 });
    assert.equal(await heading.getText(), "Tandem");
  });

  it("gets its data from Rust through IPC", async () => {
    const version = await browser.$("#version");
    await version.waitForDisplayed({ timeout: 15000 });
    assert.equal(await version.getText(), `Tandem ${appVersion}`);
    const text = await browser.$("main").getText();
    assert.ok(text.includes(path.join(home, ".local/state/tandem/logs")), text);
    assert.equal(await browser.$("#error").isExisting(), false);
  });

  it("runs under the strict content security policy", async () => {
    // 'unsafe-eval' is not granted, so string evaluation must be refused.
    const verdict = await browser.execute(() => {
      try {
        return String(new Function("return 'evaluated'")());
      } catch (error) {
        return `blocked: ${error}`;
      }
    });
    assert.match(verdict, /^blocked/);
  });

  it("saves a screenshot", async () => {
    const file = path.join(artifactsDir, "switcher.png");
    await browser.saveScreenshot(file);
    console.log(`screenshot: ${file}`);
  });
});
