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

/** A fresh home folder, so the app under test never sees the real user's files. */
export function privateEnv() {
  const home = mkdtempSync(path.join(tmpdir(), "tandem-e2e-home-"));
  const env = { ...process.env, HOME: home, NO_AT_BRIDGE: "1", TANDEM_LOG: "tandem_app=debug,info" };
  for (const key of ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"]) delete env[key];
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
 */
export function fakeMachine() {
  const { home, env } = privateEnv();
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
export async function startSession(machine) {
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
      "tauri:options": { application: appBinary },
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
