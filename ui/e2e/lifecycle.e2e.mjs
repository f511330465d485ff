// Tandem's processes, with the real binaries on a real (virtual) X display:
// a small tray process waits (no web view), the window's process starts when
// a window is asked for and ends with its last window, and a second launch
// hands over to the running one.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  appBinary,
  childProcesses,
  closeWindow,
  isRunning,
  privateEnv,
  processesOf,
  quitTray,
  sleep,
  start,
  waitFor,
  windowCount,
} from "./harness.mjs";

const TITLE = "Tandem";
const webProcesses = (pid) => childProcesses(pid).filter((child) => child.name.startsWith("WebKitWebProces"));

describe("app lifecycle", () => {
  let app;
  let isolated;

  before(async () => {
    assert.equal(windowCount(TITLE), 0, "another Tandem window is already on this display");
    isolated = privateEnv();
    app = start(appBinary, [], { env: isolated.env });
    await waitFor("the switcher window", () => windowCount(TITLE) === 1);
  });

  after(async () => {
    if (app && isRunning(app.pid)) {
      app.kill("SIGTERM");
      await app.exited;
    }
    if (isolated) {
      await quitTray(isolated.env, isolated.home).catch(() => {});
      rmSync(isolated.home, { recursive: true, force: true });
    }
  });

  it("renders the window in a web process, and starts the tray process beside it", async () => {
    await waitFor("a WebKit web process", () => webProcesses(app.pid).length > 0);
    await waitFor("the tray process", () => processesOf("tandem-tray", isolated.home).length === 1);
    assert.equal(webProcesses(processesOf("tandem-tray", isolated.home)[0]).length, 0, "the tray loads no web view");
  });

  it("ends the window's process with its last window, while the tray waits", async () => {
    closeWindow(TITLE);
    await waitFor("the window to close", () => windowCount(TITLE) === 0);
    const exit = await Promise.race([app.exited, sleep(15000).then(() => "still running")]);
    assert.deepEqual(exit, { code: 0, signal: null }, `the window's process did not end:\n${app.output}`);
    assert.equal(processesOf("tandem-tray", isolated.home).length, 1, "the tray process ended too");
  });

  it("starts the window's process again on demand, and hands a second launch over to it", async () => {
    app = start(appBinary, [], { env: isolated.env });
    await waitFor("the window to come back", () => windowCount(TITLE) === 1);
    const second = start(appBinary, [], { env: isolated.env });
    const exit = await Promise.race([second.exited, sleep(15000).then(() => "still running")]);
    if (exit === "still running") second.kill();
    assert.deepEqual(exit, { code: 0, signal: null }, `second launch did not hand over:\n${second.output}`);
    assert.ok(isRunning(app.pid));
    await waitFor("the hand-over in the log", () => /second launch/.test(app.output), 5000);
    assert.equal(processesOf("tandem-tray", isolated.home).length, 1, "one tray, not two");
  });

  it("logs to files in its log folder", async () => {
    const logDir = path.join(isolated.home, ".local/state/tandem/logs");
    for (const [program, line] of [
      ["tandem-app", "Tandem starting"],
      ["tandem-tray", "tray starting"],
    ]) {
      const files = readdirSync(logDir).filter((name) => new RegExp(`^${program}\\..*\\.log$`).test(name));
      assert.equal(files.length, 1, `${program} log files: ${files}`);
      // The file writer is asynchronous; give it a moment to flush.
      await waitFor(`the ${program} log line`, () => readFileSync(path.join(logDir, files[0]), "utf8").includes(line));
    }
  });

  it("quits everything when the tray quits", async () => {
    await quitTray(isolated.env, isolated.home);
    const exit = await Promise.race([app.exited, sleep(15000).then(() => "still running")]);
    assert.deepEqual(exit, { code: 0, signal: null }, `the window's process did not quit:\n${app.output}`);
  });
});
