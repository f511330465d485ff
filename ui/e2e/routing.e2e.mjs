// Automatic profile switching in the real app: the link handler (`tandem
// open`) hands a link no rule decides to the running app, whose picker opens
// it in the chosen profile and remembers the site inside its Safe Links
// wrapper; the settings show the rules, test a link with the same router,
// and register the handler.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { appBinary, artifactsDir, cliBinary, endSession, fakeMachine, startSession, waitFor, saveWindow } from "./harness.mjs";

const WRAPPED =
  "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdocs.example%2Fplan%3Fq%3D1&data=05%7C02&reserved=0";

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Edge's work profile `Default` and personal `Profile 1`, and a stand-in Edge. */
function withEdge(machine) {
  write(
    path.join(machine.edge, "Local State"),
    JSON.stringify({
      profile: { info_cache: { Default: { name: "Work" }, "Profile 1": { name: "Home" } } },
    }),
  );
  write(
    path.join(machine.edge, "Profile 1/Preferences"),
    JSON.stringify({
      account_info: [
        { email: "ada@outlook.com", edge_account_tenant_id: "9188040d-6c67-4c5b-b112-36a304b66dad" },
      ],
    }),
  );
  const record = path.join(machine.systemRoot, "opt/microsoft/msedge/opened.txt");
  const edge = path.join(machine.systemRoot, "opt/microsoft/msedge/msedge");
  write(edge, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`);
  chmodSync(edge, 0o755);
  return record;
}

function tandem(machine, args) {
  const result = spawnSync(cliBinary, args, {
    env: { ...machine.env, TANDEM_APP: appBinary },
    encoding: "utf8",
    timeout: 20000,
  });
  assert.equal(result.status, 0, `tandem ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

describe("link routing in the app", () => {
  let session;
  let browser;
  let machine;
  let opened;
  let settings;
  const mimeapps = () => path.join(machine.home, ".config/mimeapps.list");
  const mimeappsBefore = "[Default Applications]\nx-scheme-handler/https=firefox.desktop\ntext/html=firefox.desktop\n";

  before(async () => {
    machine = fakeMachine();
    opened = withEdge(machine);
    write(path.join(machine.home, ".config/tandem/rules.toml"), 'version = 1\nfallback = "ask"\n');
    write(mimeapps(), mimeappsBefore);
    session = await startSession(machine, { args: ["--settings"] });
    browser = session.browser;
    await browser.$("#settings-title").waitForDisplayed({ timeout: 15000 });
    settings = await browser.getWindowHandle();
  });

  after(async () => {
    await endSession(session, machine);
    machine?.cleanup();
  });

  it("asks where an undecided link opens, and opens it in the profile chosen", async () => {
    tandem(machine, ["open", "--", WRAPPED]);
    const picker = await waitFor("the picker", async () => {
      const handles = await browser.getWindowHandles();
      return handles.find((handle) => handle !== settings);
    });
    await browser.switchToWindow(picker);
    try {
      await pickHome();
    } finally {
      await browser.switchToWindow(settings);
    }
  });

  async function pickHome() {
    const site = await browser.$("#picker-site");
    await site.waitForDisplayed({ timeout: 15000 });
    assert.equal(await site.getText(), "docs.example");
    await saveWindow("Open link in…", path.join(artifactsDir, "picker.png"));
    // The address is clipped to three lines, which WebDriver's visible text skips.
    assert.equal(await browser.$("#picker-url").getProperty("textContent"), "https://docs.example/plan?q=1");
    assert.match(await browser.$("#picker-wrapped").getText(), /Defender/);
    await browser.$("#picker-remember").click();
    await browser.$('button[data-profile="edge:Profile 1"]').click();

    await waitFor("Edge to start", () => existsSync(opened), 10000);
    assert.deepEqual(readFileSync(opened, "utf8").trim().split("\n"), ["--profile-directory=Profile 1", "--", WRAPPED]);
    await waitFor("the picker to close", async () => (await browser.getWindowHandles()).length === 1, 10000);
  }

  it("remembered the site inside the wrapper, keeping the person's settings", async () => {
    const rules = readFileSync(path.join(machine.home, ".config/tandem/rules.toml"), "utf8");
    assert.match(rules, /pattern = "docs\.example"/);
    assert.match(rules, /target = "edge:Profile 1"/);
    assert.match(rules, /fallback = "ask"/, "the person's settings are kept");
    const route = JSON.parse(tandem(machine, ["route", "--json", "--", "https://docs.example/other"]));
    assert.equal(route.decision, "open");
    assert.equal(route.profile_dir, "Profile 1");
    assert.equal(route.rule.layer, "user");
  });

  it("shows the rules, and tests a link with the same router", async () => {
    await browser.$("#tab-rules").click();
    const remembered = await browser.$('li[data-rule-id="u1"]');
    await remembered.waitForDisplayed({ timeout: 10000 });
    assert.match(await remembered.getText(), /docs\.example/);
    assert.match(await browser.$('li[data-rule-id="preset:outlook.live.com"]').getText(), /Built in/);
    await browser.$("#route-url").setValue("https://outlook.live.com/mail");
    await browser.$("#route-test").click();
    const result = await browser.$("#route-result");
    await result.waitForDisplayed({ timeout: 10000 });
    assert.match(await result.getText(), /Opens in Microsoft Edge, profile Home/);
    await saveWindow("Tandem Settings", path.join(artifactsDir, "rules.png"));
  });

  it("makes Tandem the link handler and puts the previous one back, byte for byte", async () => {
    await browser.$("#tab-handler").click();
    const state = await browser.$("#handler-state");
    assert.match(await state.getText(), /does not open web links/);
    await browser.$("#handler-toggle").click();
    await browser.waitUntil(async () => /Tandem opens web links/.test(await state.getText()), { timeout: 10000 });
    assert.match(await state.getText(), /firefox\.desktop/);
    assert.match(readFileSync(mimeapps(), "utf8"), /x-scheme-handler\/https=dev\.tandem\.Tandem\.desktop/);
    const entry = readFileSync(path.join(machine.home, ".local/share/applications/dev.tandem.Tandem.desktop"), "utf8");
    assert.match(entry, /^Exec=".*\/tandem" open -- %u$/m);
    await browser.$("#handler-toggle").click();
    await browser.waitUntil(async () => /does not open web links/.test(await state.getText()), { timeout: 10000 });
    assert.equal(readFileSync(mimeapps(), "utf8"), mimeappsBefore);
  });
});
