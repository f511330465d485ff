// Tandem's process lifetime, with the real binary on a real (virtual) X
// display: closing the window keeps Tandem in the tray and frees the webview,
// and a second launch hands over to the first.
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
    if (isolated) rmSync(isolated.home, { recursive: true, force: true });
  });

  it("renders the window in a web process", async () => {
    await waitFor("a WebKit web process", () => webProcesses(app.pid).length > 0);
  });

  it("stays in the tray when its window is closed, and frees the webview", async () => {
    closeWindow(TITLE);
    await waitFor("the window to close", () => windowCount(TITLE) === 0);
    await waitFor("the web process to end", () => webProcesses(app.pid).length === 0, 15000);
    await sleep(1000);
    assert.ok(isRunning(app.pid), `Tandem exited when its window closed:\n${app.output}`);
  });

  it("hands a second launch over to the running one, which shows its window again", async () => {
    const second = start(appBinary, [], { env: isolated.env });
    const exit = await Promise.race([second.exited, sleep(15000).then(() => "still running")]);
    if (exit === "still running") second.kill();
    assert.deepEqual(exit, { code: 0, signal: null }, `second launch did not hand over:\n${second.output}`);
    await waitFor("the window to come back", () => windowCount(TITLE) === 1);
    assert.ok(isRunning(app.pid));
    assert.match(app.output, /second launch: showing the running Tandem/);
  });

  it("logs to a file in its log folder", async () => {
    const logDir = path.join(isolated.home, ".local/state/tandem/logs");
    const files = readdirSync(logDir).filter((name) => /^tandem-app\..*\.log$/.test(name));
    assert.equal(files.length, 1, `log files: ${files}`);
    // The file writer is asynchronous; give it a moment to flush.
    await waitFor("the log line", () =>
      readFileSync(path.join(logDir, files[0]), "utf8").includes("Tandem starting"),
    );
  });
});
