// The first-run wizard in the real app, on a fake home and the local OpenID
// provider: from start to finish, then the linked account in the switcher's
// dropdown, then a policy flip that removes it and says why; and, on a
// second machine, a wizard cancelled halfway that leaves Tandem as it was.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  artifactsDir,
  endSession,
  fakeMachine,
  startProvider,
  startSession,
  switchToWindowWith,
  tandemJson,
  waitFor,
  windowCount,
  withPersonalEdgeProfile,
  saveWindow,
} from "./harness.mjs";

const MIMEAPPS_BEFORE = "[Default Applications]\nx-scheme-handler/https=firefox.desktop\nx-scheme-handler/http=firefox.desktop\n";

/** A first-run machine whose sign-ins go to `provider` as `user`. */
function firstRunMachine(provider, user) {
  const machine = fakeMachine({ firstRun: true });
  withPersonalEdgeProfile(machine);
  machine.env = { ...machine.env, ...provider.env(user) };
  mkdirSync(path.join(machine.home, ".config"), { recursive: true });
  writeFileSync(path.join(machine.home, ".config/mimeapps.list"), MIMEAPPS_BEFORE);
  // The browser those defaults name, installed.
  const applications = path.join(machine.systemRoot, "usr/share/applications");
  mkdirSync(applications, { recursive: true });
  writeFileSync(
    path.join(applications, "firefox.desktop"),
    "[Desktop Entry]\nType=Application\nName=Firefox\nExec=/usr/bin/firefox %u\nMimeType=x-scheme-handler/https;\n",
  );
  return machine;
}

/** The Secret Service's Tandem items, as `secret-tool` lists them. */
function keyringItems() {
  const result = spawnSync("secret-tool", ["search", "--all", "service", "Tandem personal account"], { encoding: "utf8" });
  return `${result.stdout}${result.stderr}`;
}

async function step(browser) {
  return browser.$("main[data-step]").getAttribute("data-step");
}

/** Clicks Next and waits for the following step. */
async function next(browser, expected) {
  const button = await browser.$("#wizard-next");
  await button.waitForEnabled({ timeout: 10000 });
  await button.click();
  await browser.waitUntil(async () => (await step(browser)) === expected, {
    timeout: 10000,
    timeoutMsg: `the wizard did not go on to ${expected}`,
  });
}

/** Clicks a button that closes its own window: WebDriver may lose the
 * window (or, with the app's last window, the session) while it answers. */
async function clickClosing(browser, selector) {
  try {
    await browser.$(selector).click();
  } catch (error) {
    if (!/no such window|invalid session|session deleted/i.test(String(error))) throw error;
  }
}

async function signIn(browser, email) {
  await browser.$("#wizard-sign-in").click();
  const signedIn = await browser.$("#wizard-signed-in");
  await signedIn.waitForDisplayed({ timeout: 30000 });
  assert.match(await signedIn.getText(), new RegExp(email.replace(".", "\\.")));
}

describe("the first-run wizard, start to finish", () => {
  let provider;
  let machine;
  let session;
  let browser;

  before(async () => {
    provider = await startProvider();
    machine = firstRunMachine(provider, "alice");
    session = await startSession(machine);
    browser = session.browser;
  });

  after(async () => {
    await endSession(session, machine);
    await provider?.stop();
    machine?.cleanup();
  });

  it("opens by itself on the first run, in a window of its own", async () => {
    await browser.$("main[data-step=welcome]").waitForDisplayed({ timeout: 15000 });
    await waitFor("the wizard's window", () => windowCount("Set up Tandem") === 1, 10000);
    assert.equal(windowCount("Tandem"), 0, "no switcher before the wizard is done");
  });

  it("shows the profiles found and picks the work profile", async () => {
    await next(browser, "profiles");
    const found = await browser.$(".step").getText();
    assert.match(found, /ada@contoso\.com/);
    assert.match(found, /ada@outlook\.com/);
    assert.match(found, /Reading/);
    await next(browser, "work");
    assert.equal(await browser.$('input[name="work"][value="edge:Default"]').isSelected(), true);
    await next(browser, "policy");
    assert.match(await browser.$("#wizard-policy-ok").getText(), /allows linking in Microsoft Edge/);
  });

  it("signs in to the personal account at the local provider", async () => {
    await next(browser, "personal");
    assert.equal(await browser.$("#wizard-next").isEnabled(), false, "no going on without a personal account");
    await signIn(browser, "alice@outlook.test");
    await saveWindow("Set up Tandem", path.join(artifactsDir, "wizard-personal.png"));
  });

  it("shows the presets and the handler it would replace, then applies everything at Finish", async () => {
    await next(browser, "routing");
    assert.match(await browser.$("#wizard-presets").getText(), /outlook\.live\.com/);
    assert.match(await browser.$(".step").getText(), /instead of firefox\.desktop/);
    assert.equal(await browser.$("#wizard-handler").isSelected(), true);
    // Nothing is set up before Finish.
    assert.equal(readFileSync(path.join(machine.home, ".config/mimeapps.list"), "utf8"), MIMEAPPS_BEFORE);
    assert.deepEqual(tandemJson(machine, ["status"]).links, []);
    await next(browser, "startup");
    assert.equal(await browser.$("#wizard-autostart").isSelected(), true);
    await browser.$("#wizard-finish").click();
    await browser.$("main[data-step=done]").waitForDisplayed({ timeout: 15000 });
    const summary = await browser.$("#wizard-done").getText();
    assert.match(summary, /ada@contoso\.com is linked to alice@outlook\.test/);
    assert.match(summary, /Tandem opens the links you click/);
    assert.match(summary, /Tandem starts when you sign in/);
    await saveWindow("Set up Tandem", path.join(artifactsDir, "wizard-done.png"));

    const links = tandemJson(machine, ["status"]).links;
    assert.equal(links.length, 1);
    assert.equal(links[0].work, "edge:Default");
    assert.equal(links[0].personal_account.email, "alice@outlook.test");
    assert.match(readFileSync(path.join(machine.home, ".config/mimeapps.list"), "utf8"), /x-scheme-handler\/https=dev\.tandem\.Tandem\.desktop/);
    assert.ok(existsSync(path.join(machine.home, ".config/autostart/dev.tandem.Tandem.desktop")));
    assert.match(keyringItems(), /a11c/, "the personal account's tokens are in the keyring");
  });

  it("then shows the switcher, with the linked account in the dropdown under the work profile", async () => {
    await clickClosing(browser, "#wizard-start");
    await switchToWindowWith(browser, "#search");
    await waitFor("the wizard to close", () => windowCount("Set up Tandem") === 0, 10000);
    const dropdown = await browser.$("details.linked[data-linked-for=Default]");
    await dropdown.waitForDisplayed({ timeout: 15000 });
    assert.match(await dropdown.getText(), /alice@outlook\.test/);
    await dropdown.$("summary").click();
    assert.equal(await dropdown.$(".unlink-here").isDisplayed(), true);
    await saveWindow("Tandem", path.join(artifactsDir, "switcher-linked.png"));
  });

  it("removes the link when Edge's policy turns linking off, and says why", async () => {
    const dir = path.join(machine.systemRoot, "etc/opt/edge/policies/managed");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "linking.json"), JSON.stringify({ LinkedAccountEnabled: false }));
    await browser.$("details.linked[data-linked-for=Default]").waitForExist({ timeout: 10000, reverse: true });
    const banner = await browser.$(".browser-policy[data-browser=edge]");
    await banner.waitForDisplayed({ timeout: 5000 });
    assert.match(await banner.getText(), /LinkedAccountEnabled is false/);
    assert.deepEqual(tandemJson(machine, ["status"]).links, []);
    const history = tandemJson(machine, ["history"]);
    assert.ok(
      JSON.stringify(history).includes("unlinked-by-policy") || JSON.stringify(history).includes("unlinked_by_policy"),
      `the history says why: ${JSON.stringify(history)}`,
    );
  });
});

describe("the wizard cancelled halfway", () => {
  let provider;
  let machine;
  let session;
  let browser;
  let before_;

  /** Everything of Tandem's on the machine that the wizard may touch. */
  const snapshot = () => ({
    // Where settings, rules, autostart and handler entries live (the data
    // folder's link book is read through `tandem status` below).
    files: readdirSync(machine.home, { recursive: true })
      .map(String)
      .filter((entry) => entry.startsWith(".config") || entry.startsWith(".local/share/applications"))
      .sort(),
    mimeapps: readFileSync(path.join(machine.home, ".config/mimeapps.list"), "utf8"),
    settings: readFileSync(path.join(machine.home, ".config/tandem/settings.json"), "utf8"),
    links: tandemJson(machine, ["status"]).links,
    accounts: tandemJson(machine, ["accounts"]),
    carolInKeyring: /ca401/.test(keyringItems()),
  });

  before(async () => {
    provider = await startProvider();
    machine = firstRunMachine(provider, "carol");
    // A settings file that says only "not onboarded yet", to compare.
    mkdirSync(path.join(machine.home, ".config/tandem"), { recursive: true });
    writeFileSync(
      path.join(machine.home, ".config/tandem/settings.json"),
      JSON.stringify({ schema: "tandem.settings", version: 1, data: { onboarded: false } }),
    );
    before_ = snapshot();
    session = await startSession(machine);
    browser = session.browser;
  });

  after(async () => {
    await endSession(session, machine);
    await provider?.stop();
    machine?.cleanup();
  });

  it("after a sign-in and choices, Cancel leaves no link, handler, autostart entry or keyring entry", async () => {
    await browser.$("main[data-step=welcome]").waitForDisplayed({ timeout: 15000 });
    for (const name of ["profiles", "work", "policy", "personal"]) await next(browser, name);
    await signIn(browser, "carol@outlook.test");
    assert.equal(/ca401/.test(keyringItems()), true, "the sign-in put carol's tokens in the keyring");
    await next(browser, "routing");
    await next(browser, "startup");
    await clickClosing(browser, "#wizard-cancel");
    await waitFor("the wizard to close", () => windowCount("Set up Tandem") === 0, 15000);
    await waitFor("the sign-in to be forgotten", () => !/ca401/.test(keyringItems()), 10000);
    const afterwards = snapshot();
    assert.deepEqual(afterwards, before_);
    assert.equal(existsSync(path.join(machine.home, ".config/autostart")), false);
  });
});
