import { mount, type Component } from "svelte";
import { getCurrentWebviewWindow } from "@tauri-apps/api/webviewWindow";
import Picker from "./Picker.svelte";
import Settings from "./Settings.svelte";
import Switcher from "./Switcher.svelte";
import Wizard from "./Wizard.svelte";
import "./app.css";

const target = document.getElementById("app");
if (!target) {
  throw new Error("index.html has no #app element");
}

/** Each window shows its own page; the label is the window's, set by Rust. */
function windowLabel(): string {
  try {
    return getCurrentWebviewWindow().label;
  } catch {
    return "switcher";
  }
}

const PAGES: Record<string, Component> = { picker: Picker, settings: Settings, wizard: Wizard };

export default mount(PAGES[windowLabel()] ?? Switcher, { target });
