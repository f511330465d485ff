// One harness for the windows' unit tests: mounts a window's component on a
// fake backend (Tauri's IPC mock, events included) and lets the tests drive
// it as a person would. The real backend is exercised by the e2e tests.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount, type Component } from "svelte";
import { afterEach } from "vitest";
import type { HandlerStatus, Language, RulesReport, SettingsView } from "../lib/bindings";
import { sampleInfo, sampleSnapshot, sampleStatus } from "../lib/fixtures";
import { setLanguage } from "../lib/i18n.svelte";

export type Call = { cmd: string; args: Record<string, unknown> };
type Answer = (args: Record<string, unknown>) => unknown;

let mounted: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = "";
  clearMocks();
  setLanguage("en");
});

/** Lets promises, timers of 0 ms and Svelte's effects run out. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

export function settingsView(language: Language = "en", overrides: Partial<SettingsView> = {}): SettingsView {
  return { language, chosen_language: null, onboarded: true, autostart: false, ...overrides };
}

export const sampleHandler: HandlerStatus = {
  registered: false,
  desktop_entry: null,
  program: null,
  program_exists: false,
  previous: "firefox.desktop",
  replaced_since: false,
};

export const sampleRules: RulesReport = {
  rules: [
    {
      id: "preset:outlook.live.com",
      layer: "preset",
      pattern: "outlook.live.com",
      target: "personal",
      flag: null,
      note: "Outlook.com, the consumer mail",
      removable: false,
    },
    {
      id: "preset:outlook.office.com",
      layer: "preset",
      pattern: "outlook.office.com",
      target: "work",
      flag: null,
      note: "Outlook on the web for work or school mailboxes",
      removable: false,
    },
  ],
  fallback: "as-before",
  fallback_flag: null,
  unwrap_before_opening: false,
  problems: [],
  file: "/home/ada/.config/tandem/rules.toml",
};

/** What a machine answers when a test does not say otherwise. */
export const DEFAULT_ANSWERS: Record<string, Answer> = {
  app_info: () => sampleInfo,
  app_settings: () => settingsView(),
  list_profiles: () => sampleSnapshot,
  link_status: () => sampleStatus,
  link_history: () => [],
  profile_picture: () => null,
  handler_status: () => sampleHandler,
  routing_rules: () => sampleRules,
  show_window: () => null,
  close_window: () => null,
  open_profile: () => null,
};

/**
 * A fake backend: `answers` override the defaults; a command nobody
 * answers fails the test loudly. Returns the calls made, in order.
 */
export function backend(answers: Record<string, Answer> = {}): Call[] {
  const calls: Call[] = [];
  const all = { ...DEFAULT_ANSWERS, ...answers };
  mockIPC(
    (cmd, args) => {
      const payload = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: payload });
      const answer = all[cmd];
      if (!answer) throw new Error(`unexpected command ${cmd}`);
      return answer(payload);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

/** Mounts a window's page and waits until it has loaded. */
export async function render(page: Component): Promise<HTMLElement> {
  // One window at a time: a second render replaces the first.
  if (mounted) unmount(mounted);
  document.body.innerHTML = "";
  const target = document.createElement("div");
  document.body.append(target);
  mounted = mount(page, { target });
  await settle();
  return target;
}

export function click(root: ParentNode, selector: string): void {
  const element = root.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  element.click();
}

export function press(target: EventTarget, key: string): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
}

/** Types into an input as a person would (the value, then the input event). */
export function type(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function text(root: ParentNode, selector: string): string {
  return root.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim() ?? "";
}
