// Measures the resident memory of the running app and its WebKit helpers:
// with the switcher open, then idle in the tray after its window is closed.
// Prints the figures; it asserts nothing (targets are judged by people).
// Run under Xvfb and a session bus: scripts/bench does that.
import { readFileSync, rmSync } from "node:fs";
import { appBinary, childProcesses, closeWindow, privateEnv, sleep, start, waitFor, windowCount } from "./harness.mjs";

const IDLE_SECONDS = Number(process.env.TANDEM_IDLE_SECONDS ?? 20);

// RSS counts shared libraries in full for every process; PSS shares them out,
// so the PSS total is what the app really costs the machine.
function memoryKiB(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
    return { rss: field("Rss"), pss: field("Pss") };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

function tree(pid) {
  const all = [{ pid, name: "tandem-app" }];
  for (let i = 0; i < all.length; i++) all.push(...childProcesses(all[i].pid));
  return all.map((process) => ({ ...process, ...memoryKiB(process.pid) }));
}

function report(label, processes) {
  const mib = (kib) => (kib / 1024).toFixed(1);
  const rss = processes.reduce((sum, process) => sum + process.rss, 0);
  const pss = processes.reduce((sum, process) => sum + process.pss, 0);
  const parts = processes.map((process) => `${process.name} ${mib(process.rss)}/${mib(process.pss)}`).join(", ");
  console.log(`${label}: ${mib(rss)} MiB RSS, ${mib(pss)} MiB PSS (RSS/PSS: ${parts})`);
}

const isolated = privateEnv();
const app = start(appBinary, [], { env: isolated.env });
try {
  await waitFor("the switcher window", () => windowCount("Tandem") === 1);
  await sleep(5000);
  report("window open", tree(app.pid));
  closeWindow("Tandem");
  await waitFor("the window to close", () => windowCount("Tandem") === 0);
  await sleep(IDLE_SECONDS * 1000);
  report(`window closed, idle ${IDLE_SECONDS} s`, tree(app.pid));
} finally {
  app.kill("SIGTERM");
  await app.exited;
  rmSync(isolated.home, { recursive: true, force: true });
}
