// One harness for the windows' unit tests: mounts a window's component on a
// fake backend (Tauri's IPC mock, events included) and lets the tests drive
// it as a person would. The real backend is exercised by the e2e tests.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount, type Component } from "svelte";
import { afterEach } from "vitest";
import { setLanguage } from "../lib/i18n.svelte";
import { DEFAULT_ANSWERS, type Answer } from "./machine";

export { DEFAULT_ANSWERS, sampleHandler, sampleRules, settingsView } from "./machine";

export type Call = { cmd: string; args: Record<string, unknown> };

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
