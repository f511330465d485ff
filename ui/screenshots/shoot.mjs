#!/usr/bin/env node
// Screenshots of every window and its scenes, in English and Dutch, light and
// dark: the screenshot stage (./index.html: the app's page on a mocked
// backend) is built with Vite and served on 127.0.0.1, and the system's
// Chromium, driven by Playwright, takes each window at its own size
// (tauri.conf.json). Saved in artifacts/screenshots/ (or $TANDEM_SCREENSHOTS)
// with an index.html that shows them all; `--readme` also copies the
// README's few into ui/screenshots/readme/. Fails on any console error,
// unhandled rejection, failed request or command the mock does not answer.
//
//   cd ui && npm run screenshots [-- [--readme] [scene …]]   (a scene: the start of its name, `wizard`, `settings-rules-nl`)
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";

const started = performance.now();
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const out = resolve(process.env.TANDEM_SCREENSHOTS || join(repo, "artifacts/screenshots"));
const readmeDir = join(here, "readme");
const config = join(here, "vite.config.ts");
const CHROMIUM = "/usr/bin/chromium";
const args = process.argv.slice(2);
/** `--readme`: also refresh the README's screenshots. */
const README_FLAG = args.includes("--readme");
/** Other arguments pick scenes by the start of their name (`wizard`, `settings-rules`); none: all. */
const ONLY = args.filter((arg) => !arg.startsWith("--"));
const LANGUAGES = ["en", "nl"];
const THEMES = ["light", "dark"];
/** Pages shot at once: CI has two cores, and a page mostly waits. */
const PARALLEL = 3;
/** The whole run gives up after this, well before CI would. */
const DEADLINE_MS = 100_000;

/** The README's screenshots: the main windows, both languages and themes. */
const README = [
  "switcher-linked-en-light",
  "switcher-profiles-nl-dark",
  "settings-rules-en-light",
  "wizard-personal-en-light",
  "wizard-done-nl-dark",
  "picker-link-en-dark",
];

const STEPS = ["welcome", "profiles", "work", "policy", "personal", "routing", "startup", "done"];
/** What shows that a wizard step has its content. */
const STEP_READY = {
  welcome: "#step-heading",
  profiles: ".found li",
  work: 'input[name="work"]:checked',
  policy: "#wizard-policy-ok, #wizard-policy-forbidden",
  personal: "#personal-signin",
  routing: "#wizard-presets li",
  startup: "#wizard-autostart",
  done: "#wizard-done li",
};

/** Goes through the wizard as a person would, up to `target`, signing in on the personal step. */
async function wizardTo(page, target) {
  for (const step of STEPS.slice(1, STEPS.indexOf(target) + 1)) {
    const at = await page.getAttribute("main[data-step]", "data-step");
    if (at === "personal") await signIn(page);
    await page.click(step === "done" ? "#wizard-finish" : "#wizard-next");
    await page.waitForSelector(`main[data-step="${step}"] ${STEP_READY[step]}`);
  }
}

async function signIn(page) {
  await page.click("#wizard-sign-in");
  await page.waitForSelector("#wizard-signed-in");
}

async function settingsTab(page, section, ready) {
  await page.click(`#tab-${section}`);
  await page.waitForSelector(`#tab-${section}[aria-current="page"]`);
  await page.waitForSelector(ready);
}

/** Every scene: its window, what shows it is loaded, and what a person does first. */
const SCENES = [
  { window: "switcher", scene: "profiles", ready: "#profiles button.profile" },
  {
    window: "switcher",
    scene: "linked",
    ready: "details.linked summary",
    act: async (page) => {
      await page.click("details.linked summary");
      await page.waitForSelector("details.linked[open] .open-personal");
    },
  },
  {
    window: "switcher",
    scene: "no-match",
    ready: "#profiles button.profile",
    act: async (page) => {
      await page.fill("#search", "teams");
      await page.waitForSelector("#no-profiles");
    },
  },
  {
    window: "switcher",
    scene: "keyboard",
    ready: "#profiles button.profile",
    act: async (page) => {
      // From the search field, the arrow keys move through the profiles: the focus must show.
      await page.press("#search", "ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.waitForSelector('button.profile[data-profile-dir="Profile 1"]:focus-visible');
    },
  },
  { window: "settings", scene: "linking", ready: "#linking li.work" },
  {
    window: "settings",
    scene: "rules",
    ready: "#linking li.work",
    act: async (page) => {
      await settingsTab(page, "rules", "#rules li");
      await page.fill("#route-url", "https://outlook.live.com/mail/0/inbox");
      await page.click("#route-test");
      await page.waitForSelector("#route-result");
    },
  },
  { window: "settings", scene: "handler", ready: "#linking li.work", act: (page) => settingsTab(page, "handler", "#handler-state") },
  { window: "settings", scene: "startup", ready: "#linking li.work", act: (page) => settingsTab(page, "startup", "#autostart:checked") },
  { window: "settings", scene: "language", ready: "#linking li.work", act: (page) => settingsTab(page, "language", "#language-choice") },
  {
    window: "settings",
    scene: "privacy",
    ready: "#linking li.work",
    act: async (page) => {
      await settingsTab(page, "privacy", "#history summary");
      await page.click("#history summary");
      await page.waitForSelector("#history[open] li");
    },
  },
  ...STEPS.map((step) => ({
    window: "wizard",
    scene: step,
    ready: "main[data-step='welcome'] #step-heading",
    act: async (page) => {
      await wizardTo(page, step);
      if (step === "personal") await signIn(page);
    },
  })),
  {
    window: "wizard",
    scene: "policy-forbidden",
    ready: "main[data-step='welcome'] #step-heading",
    act: async (page) => {
      await page.click("#wizard-next");
      await page.waitForSelector(".found li");
      await page.click("#wizard-next");
      await page.waitForSelector('input[name="work"]:checked');
      await page.click("#wizard-next");
      await page.waitForSelector("#wizard-policy-forbidden");
    },
  },
  { window: "picker", scene: "link", ready: "#picker-site" },
];

/** Each window's size, as the app opens it. */
async function windowSizes() {
  const conf = JSON.parse(await readFile(join(repo, "tauri.conf.json"), "utf8"));
  return Object.fromEntries(conf.app.windows.map((window) => [window.label, { width: window.width, height: window.height }]));
}

/** Runs `work` on every item, `limit` at a time. */
async function pool(items, limit, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A PNG's size, from its header. */
async function pngSize(file) {
  const header = (await readFile(file)).subarray(16, 24);
  return { width: header.readUInt32BE(0), height: header.readUInt32BE(4) };
}

/** The contact sheet: every screenshot by window, a dashed line where the window ends at its opening size. */
async function contactSheet(shots, sizes) {
  const sections = [];
  for (const window of [...new Set(shots.map((shot) => shot.window))]) {
    const figures = [];
    for (const { name } of shots.filter((shot) => shot.window === window)) {
      const { height } = await pngSize(join(out, `${name}.png`));
      const fold = height > sizes[window].height ? `<span class="fold" style="top: ${((sizes[window].height / height) * 100).toFixed(2)}%"></span>` : "";
      figures.push(`<figure><a href="${name}.png"><img src="${name}.png" alt="${name}" loading="lazy">${fold}</a><figcaption>${name}</figcaption></figure>`);
    }
    sections.push(`<h2>${window} (${sizes[window].width} × ${sizes[window].height})</h2>\n<section>\n${figures.join("\n")}\n</section>`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tandem screenshots</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px; background: #8a8f99; color: #111; }
  section { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
  figure { margin: 0; background: #fff; padding: 8px; border-radius: 6px; }
  a { position: relative; display: block; }
  img { display: block; width: 300px; height: auto; border: 1px solid #ccc; }
  .fold { position: absolute; left: 0; right: 0; border-top: 2px dashed #e0245e; }
  figcaption { margin-top: 6px; font-family: monospace; }
</style>
</head>
<body>
<h1>Tandem: ${shots.length} screenshots</h1>
<p>Every window and scene, in English and Dutch, light and dark, on a mocked backend (<code>cd ui &amp;&amp; npm run screenshots</code>).
Each shows the whole page; the dashed line is where the window ends at the size it opens with (tauri.conf.json). Click one for its full size.</p>
${sections.join("\n")}
</body>
</html>
`;
}

/** Every shot, in the order the contact sheet shows them. */
const JOBS = SCENES.flatMap((scene) =>
  LANGUAGES.flatMap((lang) => THEMES.map((theme) => ({ ...scene, lang, theme, name: `${scene.window}-${scene.scene}-${lang}-${theme}` }))),
);

/** What went wrong, in a line or two (Playwright's first line, and what it waited for). */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split("\n");
  const waiting = lines.find((line) => line.includes("waiting for"));
  return [lines[0], waiting?.trim()].filter(Boolean).join(" ");
}

/** Shoots one scene into `out`; the problems it met (none: it was written). */
async function shoot(browser, origin, sizes, job) {
  const problems = [];
  // The first problem ends the scene at once, rather than at a timeout.
  let stop;
  const stopped = new Promise((_, reject) => (stop = reject));
  stopped.catch(() => {});
  const problem = (text) => {
    problems.push(text);
    stop(new Error(text));
  };
  const context = await browser.newContext({
    viewport: sizes[job.window],
    deviceScaleFactor: 1,
    colorScheme: job.theme,
    reducedMotion: "reduce",
    locale: job.lang === "nl" ? "nl-NL" : "en-US",
    timezoneId: "Europe/Amsterdam",
  });
  context.setDefaultTimeout(10_000);
  // The page talks to the stage's server only.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    problem(`blocked a request to ${url}`);
    return route.abort();
  });
  try {
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error" || message.text().includes("unexpected command")) {
        problem(`console ${message.type()}: ${message.text()}`);
      } else if (message.type() === "warning") {
        console.warn(`screenshots: ${job.name}: console warning: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problem(`uncaught: ${error.message}`));
    page.on("requestfailed", (request) => problem(`request failed: ${request.url()} (${request.failure()?.errorText})`));
    const scene = async () => {
      const query = new URLSearchParams({ window: job.window, lang: job.lang, scene: job.scene });
      await page.goto(`${origin}/index.html?${query}`);
      await page.waitForSelector(`html[data-stage="ready"][lang="${job.lang}"]`, { state: "attached" });
      await page.waitForSelector(job.ready);
      if (job.act) await job.act(page);
      // Settled: fonts and pictures loaded, Svelte's last updates painted.
      await page.mouse.move(0, 0);
      await page.evaluate(async () => {
        await document.fonts.ready;
        await Promise.all(Array.from(document.images, (image) => image.decode().catch(() => {})));
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      });
    };
    await Promise.race([scene(), stopped]);
    if (problems.length === 0) {
      await page.screenshot({ path: join(out, `${job.name}.png`), fullPage: true, animations: "disabled", caret: "hide" });
    }
  } catch (error) {
    // The first problem's own words say it already.
    if (problems.length === 0) problems.push(describe(error));
  } finally {
    await context.close().catch(() => {});
  }
  return problems;
}

async function main() {
  const sizes = await windowSizes();
  const jobs = JOBS.filter((job) => ONLY.length === 0 || ONLY.some((start) => job.name.startsWith(start)));
  if (jobs.length === 0) throw new Error(`no scene's name starts with ${ONLY.join(" or ")}`);
  const stage = await mkdtemp(join(tmpdir(), "tandem-stage-"));
  let server;
  let browser;
  let deadline;
  const failures = [];
  let written = 0;
  try {
    await build({ configFile: config, logLevel: "warn", build: { outDir: stage, emptyOutDir: true } });
    server = await preview({
      configFile: config,
      logLevel: "warn",
      build: { outDir: stage },
      preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false },
    });
    const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    // A full run starts afresh; a chosen few replace only theirs.
    if (ONLY.length === 0) await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    for (const job of jobs) await rm(join(out, `${job.name}.png`), { force: true });

    const timeout = new Promise((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`gave up after ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
    });
    await Promise.race([
      pool(jobs, PARALLEL, async (job) => {
        const problems = await shoot(browser, origin, sizes, job);
        if (problems.length === 0) written++;
        for (const problem of problems) failures.push(`${job.name}: ${problem}`);
      }),
      timeout,
    ]);

    const present = new Set(await readdir(out));
    await writeFile(join(out, "index.html"), await contactSheet(JOBS.filter((job) => present.has(`${job.name}.png`)), sizes));
    if (README_FLAG && ONLY.length > 0) console.warn("screenshots: --readme needs every scene; the README's were left as they are");
    if (README_FLAG && ONLY.length === 0 && failures.length === 0) {
      await mkdir(readmeDir, { recursive: true });
      for (const old of await readdir(readmeDir)) if (old.endsWith(".png")) await rm(join(readmeDir, old));
      for (const name of README) await copyFile(join(out, `${name}.png`), join(readmeDir, `${name}.png`));
      console.log(`screenshots: copied ${README.length} to ${relative(process.cwd(), readmeDir) || "."} for the README`);
    }
  } finally {
    clearTimeout(deadline);
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    await rm(stage, { recursive: true, force: true });
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const where = relative(process.cwd(), out) || ".";
  if (failures.length > 0) {
    console.error(`screenshots: FAILED, ${failures.length} problem(s) (wrote ${written} of ${jobs.length} screenshots to ${where} in ${seconds} s):`);
    for (const failure of failures.sort()) console.error(`  ${failure}`);
    process.exit(1);
  }
  console.log(`screenshots: wrote ${written} screenshots to ${where} in ${seconds} s (open ${join(where, "index.html")})`);
}

main().catch((error) => {
  console.error(`screenshots: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
