import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { sampleInfo } from "./lib/fixtures";

let app: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
  clearMocks();
});

async function render(): Promise<HTMLElement> {
  const target = document.createElement("div");
  document.body.append(target);
  app = mount(App, { target });
  // Let onMount's IPC promise settle, then apply the state change.
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
  return target;
}

describe("switcher window", () => {
  it("shows the title, the folders and the version", async () => {
    mockIPC(() => sampleInfo);
    const root = await render();
    expect(root.querySelector("#title")?.textContent).toBe("Tandem");
    expect(root.textContent).toContain("/home/ada/.local/state/tandem/logs");
    expect(root.querySelector("#version")?.textContent).toBe("Tandem 0.1.0");
    expect(root.querySelector("#error")).toBeNull();
  });

  it("shows the command's message when it fails", async () => {
    mockIPC(() => {
      throw { code: "locations_unavailable", message: "cannot find your home folder: set HOME" };
    });
    const root = await render();
    const alert = root.querySelector("#error");
    expect(alert?.getAttribute("role")).toBe("alert");
    expect(alert?.textContent).toContain("set HOME");
    expect(root.querySelector("#version")).toBeNull();
  });
});
