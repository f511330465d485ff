// The real app in its real window, driven through tauri-driver and
// WebKitWebDriver: what a person sees when Tandem opens, on a fake machine.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { appVersion, artifactsDir, endSession, fakeMachine, replaceFile, startSession, waitFor, saveWindow } from "./harness.mjs";

describe("switcher window", () => {
  let session;
  let browser;
  let machine;

  before(async () => {
    machine = fakeMachine();
    session = await startSession(machine);
    browser = session.browser;
  });

  after(async () => {
    await endSession(session, machine);
    machine?.cleanup();
  });

  it("shows its title", async () => {
    assert.equal(await browser.getTitle(), "Tandem");
    const heading = await browser.$("#title");
    await heading.waitForDisplayed({ timeout: 15000 });
    assert.equal(await heading.getText(), "Tandem");
  });

  it("lists the machine's profiles, grouped by browser, with account and kind", async () => {
    const edge = await browser.$("section[data-browser=edge]");
    await edge.waitForDisplayed({ timeout: 15000 });
    const text = await edge.getText();
    assert.match(text, /Microsoft Edge/i);
    assert.match(text, /Ada Lovelace/);
    assert.match(text, /ada@contoso\.com/);
    assert.equal(await edge.$(".badge").getText(), "Work");
    assert.match(await browser.$("section[data-browser=chromium]").getText(), /Reading/);
    assert.equal(await browser.$("#version").getText(), `Tandem ${appVersion}`);
  });

  it("saves a screenshot of the list", async () => {
    const file = path.join(artifactsDir, "switcher.png");
    await saveWindow("Tandem", file);
    console.log(`screenshot: ${file}`);
  });

  it("opens a profile in its browser when clicked", async () => {
    await browser.$("section[data-browser=chromium] button.profile").click();
    await waitFor("the browser to start", () => existsSync(machine.record), 10000);
    assert.deepEqual(readFileSync(machine.record, "utf8").trim().split("\n"), ["--profile-directory=Default"]);
    assert.match(await browser.$("#status").getText(), /Opening Chromium in “Reading”/);
  });

  it("says so when a profile's browser is not installed", async () => {
    await browser.$("section[data-browser=edge] button.profile").click();
    const status = await browser.$("#status");
    await browser.waitUntil(async () => /does not seem to be installed/.test(await status.getText()), { timeout: 5000 });
    assert.equal(await status.getAttribute("role"), "alert");
  });

  it("updates live when a browser adds a profile", async () => {
    const second = path.join(machine.edge, "Profile 1");
    mkdirSync(second, { recursive: true });
    writeFileSync(path.join(second, "Preferences"), "{}");
    replaceFile(
      path.join(machine.edge, "Local State"),
      JSON.stringify({
        profile: {
          info_cache: {
            Default: { name: "Profile 1", is_using_default_name: true },
            "Profile 1": { name: "Side project" },
          },
        },
      }),
    );
    const edge = await browser.$("section[data-browser=edge]");
    await browser.waitUntil(async () => /Side project/.test(await edge.getText()), {
      timeout: 10000,
      timeoutMsg: "the new profile did not appear",
    });
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

});
