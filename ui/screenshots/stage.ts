// The screenshot stage: one of Tandem's windows on a mocked backend, never
// part of the app's bundle. `?window=switcher&lang=nl&scene=linked` picks the
// window, the language it speaks and the scene's machine (./machine.ts); the
// page then starts exactly as the app's does (../src/main.ts).
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type { Language } from "../src/lib/bindings";
import { answers, sceneAnswers } from "./machine";

const WINDOWS = ["switcher", "settings", "wizard", "picker"];
const query = new URLSearchParams(location.search);
const label = query.get("window") ?? "switcher";
const language: Language = query.get("lang") === "nl" ? "nl" : "en";
const scene = query.get("scene") ?? "";

// Whatever goes wrong is a console error, which fails the screenshot run.
addEventListener("unhandledrejection", (event) => console.error("unhandled rejection:", event.reason));
if (!WINDOWS.includes(label)) throw new Error(`no window ${label}; one of ${WINDOWS.join(", ")}`);

const machine = answers(language, sceneAnswers(label, scene));
mockWindows(label);
mockIPC(
  (cmd, args) => {
    const answer = machine[cmd];
    if (!answer) {
      console.error(`unexpected command ${cmd}`, JSON.stringify(args ?? {}));
      throw new Error(`unexpected command ${cmd}`);
    }
    return answer((args ?? {}) as Record<string, unknown>);
  },
  { shouldMockEvents: true },
);

await import("../src/main");
document.documentElement.dataset["stage"] = "ready";
