import { mount } from "svelte";
import { getCurrentWebviewWindow } from "@tauri-apps/api/webviewWindow";
import App from "./App.svelte";
import Picker from "./Picker.svelte";
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

export default windowLabel() === "picker" ? mount(Picker, { target }) : mount(App, { target });
