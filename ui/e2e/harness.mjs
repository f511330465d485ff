// Shared set-up for the end-to-end tests: where the built app is, a private
// HOME for it, and small process helpers. The tests run under Xvfb and a
// private D-Bus session bus (see scripts/e2e), never on the user's desktop.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const appBinary = process.env.TANDEM_APP ?? path.join(repoRoot, "target/debug/tandem-app");
/** The `tandem` command built beside the app: the link handler runs it. */
export const cliBinary = process.env.TANDEM_CLI ?? path.join(path.dirname(appBinary), "tandem");
/** The tray process the app starts beside itself (Linux). */
export const trayBinary = path.join(path.dirname(appBinary), "tandem-tray");
export const artifactsDir = process.env.TANDEM_ARTIFACTS ?? path.join(repoRoot, "artifacts/e2e");
export const appVersion = JSON.parse(readFileSync(path.join(repoRoot, "tauri.conf.json"), "utf8")).version;
mkdirSync(artifactsDir, { recursive: true });

/**
 * A fresh home folder, so the app under test never sees the real user's
 * files. Tandem there was set up already (its first-run wizard done) unless
 * `firstRun`; `language` is the language chosen in its settings.
 */
export function privateEnv({ firstRun = false, language } = {}) {
  const home = mkdtempSync(path.join(tmpdir(), "tandem-e2e-home-"));
  const env = { ...process.env, HOME: home, NO_AT_BRIDGE: "1", TANDEM_LOG: "tandem_app=debug,info" };
  for (const key of ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"]) delete env[key];
  if (!firstRun || language) {
    // The shape of `tandem_api::settings::AppSettings` in its state file.
    const data = { onboarded: !firstRun, ...(language ? { language } : {}) };
    mkdirSync(path.join(home, ".config/tandem"), { recursive: true });
    writeFileSync(
      path.join(home, ".config/tandem/settings.json"),
      JSON.stringify({ schema: "tandem.settings", version: 1, data }),
    );
  }
  return { home, env };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor(what, check, timeoutMs = 20000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Counts the mapped top-level windows with this title on the X display. */
export function windowCount(title) {
  const result = spawnSync("/usr/bin/python3", [path.join(repoRoot, "scripts/x11-window.py"), "count", title], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`x11-window.py failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** Types a key combination (`alt+r`, `Escape`) into the window with this
 * title, through the X server, as a person would: for the app's native
 * dialogs, which WebDriver cannot reach. */
export function typeInto(title, combo) {
  const result = spawnSync("/usr/bin/python3", [path.join(repoRoot, "scripts/x11-window.py"), "keys", title, combo], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`cannot type ${combo} into ${title}: ${result.stderr}`);
}

/**
 * Saves a picture of the window with this title as the X server shows it.
 * Not WebDriver's screenshot: WebKitGTK never answers that for a page that
 * scrolls when it renders without accelerated compositing, as Tandem does.
 */
export async function saveWindow(title, file) {
  // Let WebKit paint the last change first.
  await sleep(300);
  const found = spawnSync("/usr/bin/python3", [path.join(repoRoot, "scripts/x11-window.py"), "id", title], {
    encoding: "utf8",
  });
  if (found.status !== 0) throw new Error(`no window ${title}: ${found.stderr}`);
  const saved = spawnSync("import", ["-window", found.stdout.trim(), file], { encoding: "utf8", timeout: 20000 });
  if (saved.status !== 0) throw new Error(`cannot save ${title} to ${file}: ${saved.stderr}`);
}

/** Sends the window manager's close request (WM_DELETE_WINDOW) to the window. */
export function closeWindow(title) {
  const result = spawnSync("/usr/bin/python3", [path.join(repoRoot, "scripts/x11-window.py"), "close", title], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`cannot close ${title}: ${result.stderr}`);
}

/** The processes whose parent is `pid`, with their command names. */
export function childProcesses(pid) {
  const children = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(afterName[1]) === pid) {
        children.push({ pid: Number(entry), name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/** The running processes named `name` whose HOME is `home`. */
export function processesOf(name, home) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== name) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environ.includes(`HOME=${home}`)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Quits the tray process (and its windows) a test's app started. */
export async function quitTray(env, home) {
  spawnSync(trayBinary, ["--quit"], { env, timeout: 10000 });
  await waitFor("the tray process to end", () => processesOf("tandem-tray", home).length === 0, 10000);
}

export function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a process and collects what it prints. */
export function start(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  child.output = "";
  child.stdout.on("data", (chunk) => (child.output += chunk));
  child.stderr.on("data", (chunk) => (child.output += chunk));
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

/**
 * A fake machine for the app: a home with an Edge work profile and a Chromium
 * profile, and a system root whose /usr/bin/chromium records how it was started.
 * `options` as for `privateEnv`.
 */
export function fakeMachine(options = {}) {
  const { home, env } = privateEnv(options);
  const systemRoot = mkdtempSync(path.join(tmpdir(), "tandem-e2e-system-"));
  const write = (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const edge = path.join(home, ".config/microsoft-edge");
  write(
    path.join(edge, "Local State"),
    JSON.stringify({ profile: { info_cache: { Default: { name: "Profile 1", is_using_default_name: true } } } }),
  );
  write(
    path.join(edge, "Default/Preferences"),
    JSON.stringify({
      account_info: [
        {
          email: "ada@contoso.com",
          full_name: "Ada Lovelace",
          edge_account_tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        },
      ],
    }),
  );
  const chromium = path.join(home, ".config/chromium");
  write(path.join(chromium, "Local State"), JSON.stringify({ profile: { info_cache: { Default: { name: "Reading" } } } }));
  write(path.join(chromium, "Default/Preferences"), "{}");
  const record = path.join(systemRoot, "usr/bin/launched.txt");
  const browser = path.join(systemRoot, "usr/bin/chromium");
  write(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`);
  chmodSync(browser, 0o755);
  return {
    home,
    systemRoot,
    record,
    edge,
    env: { ...env, TANDEM_SYSTEM_ROOT: systemRoot },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
      rmSync(systemRoot, { recursive: true, force: true });
    },
  };
}

/** Replaces a file the way Chromium does: write a temporary file, then rename. */
export function replaceFile(file, text) {
  const temp = `${file}.tandem-e2e`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

const driverBinary = process.env.TAURI_DRIVER ?? "tauri-driver";
const driverPort = Number(process.env.TAURI_DRIVER_PORT ?? 4444);

/**
 * Starts the real app on `machine` under tauri-driver (which drives
 * WebKitWebDriver) and opens a WebDriver session on its window. Every e2e
 * file starts its app this way; `endSession` undoes it.
 */
export async function startSession(machine, { args = [] } = {}) {
  // A driver left over from a killed run would drive another display's app.
  const stale = await fetch(`http://127.0.0.1:${driverPort}/status`).then(
    () => true,
    () => false,
  );
  if (stale) throw new Error(`port ${driverPort} is taken (a tauri-driver left running?): end it, or set TAURI_DRIVER_PORT`);
  const driver = start(driverBinary, ["--port", String(driverPort), "--native-port", String(driverPort + 1)], {
    env: machine.env,
  });
  await waitFor("tauri-driver", async () => {
    try {
      return (await fetch(`http://127.0.0.1:${driverPort}/status`)).ok;
    } catch {
      return false;
    }
  });
  const browser = await remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    capabilities: {
      "tauri:options": { application: appBinary, args },
      // WebKitWebDriver speaks classic WebDriver only, not BiDi.
      "wdio:enforceWebDriverClassic": true,
    },
  });
  return { driver, browser };
}

/** Ends the session and the driver; the app may already have quit. The
 * tray process the app started goes too. */
export async function endSession(session, machine) {
  await session?.browser?.deleteSession().catch(() => {});
  session?.driver?.kill();
  await session?.driver?.exited;
  if (machine) await quitTray(machine.env, machine.home);
}

/** Adds a personal profile, `Profile 1` ("Home", ada@outlook.com), beside
 * the work profile in the machine's Edge. */
export function withPersonalEdgeProfile(machine) {
  mkdirSync(path.join(machine.edge, "Profile 1"), { recursive: true });
  writeFileSync(
    path.join(machine.edge, "Local State"),
    JSON.stringify({
      profile: {
        info_cache: {
          Default: { name: "Profile 1", is_using_default_name: true },
          "Profile 1": { name: "Home" },
        },
      },
    }),
  );
  writeFileSync(
    path.join(machine.edge, "Profile 1/Preferences"),
    JSON.stringify({
      account_info: [{ email: "ada@outlook.com", edge_account_tenant_id: "9188040d-6c67-4c5b-b112-36a304b66dad" }],
    }),
  );
}

/**
 * The local OpenID Connect provider (test-support/oidc-provider.mjs) on
 * 127.0.0.1, and the environment that makes the app sign in there as
 * `user`, through the stand-in browser (test-support/browser-login.mjs).
 */
export async function startProvider() {
  const support = path.join(repoRoot, "ui/test-support");
  const child = start(process.execPath, [path.join(support, "oidc-provider.mjs")], {});
  const issuer = await waitFor("the OpenID provider", () => /^listening (\S+)/m.exec(child.output)?.[1], 15000);
  return {
    issuer,
    env(user) {
      return {
        BROWSER: `${process.execPath} ${path.join(support, "browser-login.mjs")}`,
        TANDEM_TEST_USER: user,
        TANDEM_AUTHORITY: issuer,
        TANDEM_CLIENT_ID: "tandem-test",
      };
    },
    async stop() {
      child.kill();
      await child.exited;
    },
  };
}

/** Runs the `tandem` CLI on `machine` and returns what it printed as JSON. */
export function tandemJson(machine, args) {
  const result = spawnSync(cliBinary, ["--json", ...args], { env: machine.env, encoding: "utf8", timeout: 20000 });
  if (result.status !== 0) throw new Error(`tandem ${args.join(" ")}: ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout);
}

/** Switches the session to the window whose page has `selector` (every
 * window has the same document title), waiting for it. */
export async function switchToWindowWith(browser, selector, timeoutMs = 15000) {
  return waitFor(
    `a window with ${selector}`,
    async () => {
      for (const handle of await browser.getWindowHandles()) {
        try {
          await browser.switchToWindow(handle);
          if (await browser.$(selector).isExisting()) return handle;
        } catch {
          // The window closed while we looked.
        }
      }
      return undefined;
    },
    timeoutMs,
    200,
  );
}
