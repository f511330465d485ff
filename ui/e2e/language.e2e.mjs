// The real app with a Dutch locale: its windows speak Dutch, their native
// titles too, and choosing English in the settings switches every open
// window at once. (The tray's Dutch menu is read over D-Bus in
// crates/tray/tests/menu.rs.)
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { artifactsDir, endSession, fakeMachine, startSession, switchToWindowWith, waitFor, windowCount, saveWindow } from "./harness.mjs";

describe("with LANG=nl_NL.UTF-8", () => {
  let session;
  let browser;
  let machine;

  before(async () => {
    machine = fakeMachine();
    machine.env = { ...machine.env, LANG: "nl_NL.UTF-8" };
    for (const name of ["LC_ALL", "LC_MESSAGES", "LANGUAGE"]) delete machine.env[name];
    session = await startSession(machine);
    browser = session.browser;
  });

  after(async () => {
    await endSession(session, machine);
    machine?.cleanup();
  });

  it("the switcher speaks Dutch", async () => {
    const tagline = await browser.$(".tagline");
    await tagline.waitForDisplayed({ timeout: 15000 });
    await browser.waitUntil(async () => (await tagline.getText()) === "Je werk- en persoonlijke browserprofielen, zij aan zij.", {
      timeout: 5000,
      timeoutMsg: `the tagline is “${await tagline.getText()}”`,
    });
    assert.equal(await browser.$("#search").getAttribute("aria-label"), "Profielen zoeken");
    assert.equal(await browser.$("section[data-browser=edge] .badge").getText(), "Werk");
    await saveWindow("Tandem", path.join(artifactsDir, "switcher-nl.png"));
  });

  it("the settings window too, with its native title", async () => {
    await browser.$("#open-settings").click();
    await waitFor("the Dutch settings window", () => windowCount("Tandem-instellingen") === 1, 15000);
    await switchToWindowWith(browser, "#settings-title");
    assert.equal(await browser.$("#settings-title").getText(), "Instellingen");
    assert.equal(await browser.$("#tab-language").getText(), "Taal");
  });

  it("switches every open window to English when English is chosen", async () => {
    await browser.$("#tab-language").click();
    await browser.$("#language-choice").selectByAttribute("value", "en");
    await browser.waitUntil(async () => (await browser.$("#settings-title").getText()) === "Settings", {
      timeout: 5000,
      timeoutMsg: "the settings stayed Dutch",
    });
    await waitFor("the English title", () => windowCount("Tandem Settings") === 1, 5000);
    await switchToWindowWith(browser, "#search");
    await browser.waitUntil(async () => (await browser.$(".tagline").getText()) === "Your work and personal browser profiles, side by side.", {
      timeout: 5000,
      timeoutMsg: "the switcher stayed Dutch",
    });
  });
});
