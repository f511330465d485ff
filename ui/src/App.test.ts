import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { PROFILES_CHANGED, type ProfileEvent, type Status } from "./lib/bindings";
import { chromeProfile, sampleInfo, sampleLink, sampleSnapshot, sampleStatus, workProfile } from "./lib/fixtures";

let app: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
  clearMocks();
});

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

async function render(): Promise<HTMLElement> {
  const target = document.createElement("div");
  document.body.append(target);
  app = mount(App, { target });
  await settle();
  return target;
}

type Call = { cmd: string; args: unknown };

function backend(calls: Call[] = [], openError?: unknown) {
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return sampleInfo;
      if (cmd === "list_profiles") return sampleSnapshot;
      if (cmd === "link_status") return sampleStatus;
      if (cmd === "link_history") return [];
      if (cmd === "open_profile") {
        if (openError) throw openError;
        return null;
      }
      throw new Error(`unexpected command ${cmd}`);
    },
    { shouldMockEvents: true },
  );
}

describe("switcher window", () => {
  it("lists profiles grouped by browser with their accounts and kinds", async () => {
    backend();
    const root = await render();
    expect(root.querySelector("#title")?.textContent).toBe("Tandem");
    const groups = [...root.querySelectorAll("section.group h2")].map((h) => h.textContent);
    expect(groups).toEqual(["Microsoft Edge", "Google Chrome"]);
    const first = root.querySelector("button.profile");
    expect(first?.textContent).toContain("Ada Lovelace");
    expect(first?.textContent).toContain("ada@contoso.com");
    expect(first?.querySelector(".badge")?.textContent).toBe("Work");
    expect(root.querySelector("#version")?.textContent).toBe("Tandem 0.1.0");
  });

  it("opens the clicked profile", async () => {
    const calls: Call[] = [];
    backend(calls);
    const root = await render();
    const buttons = root.querySelectorAll<HTMLButtonElement>("button.profile");
    buttons[2]?.click();
    await settle();
    expect(calls.at(-1)).toEqual({
      cmd: "open_profile",
      args: {
        browser: "chrome",
        userDataDir: chromeProfile.user_data_dir,
        profileDir: "Default",
      },
    });
    expect(root.querySelector("#status")?.textContent).toContain("Opening Google Chrome in “Person 1”");
  });

  it("says why a profile could not be opened", async () => {
    backend([], { code: "browser_not_found", message: "Google Chrome does not seem to be installed" });
    const root = await render();
    root.querySelector<HTMLButtonElement>("button.profile")?.click();
    await settle();
    const status = root.querySelector("#status");
    expect(status?.getAttribute("role")).toBe("alert");
    expect(status?.textContent).toContain("does not seem to be installed");
  });

  it("updates live when profiles change", async () => {
    backend();
    const root = await render();
    const event: ProfileEvent = {
      change: "profile_removed",
      browser: "chrome",
      profile_dir: "Default",
      snapshot: { profiles: [workProfile], unreadable: [] },
    };
    await emit(PROFILES_CHANGED, event);
    await settle();
    expect(root.querySelectorAll("button.profile")).toHaveLength(1);
    expect(root.querySelector("section[data-browser=chrome]")).toBeNull();
  });

  it("explains an empty machine", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "app_info") return sampleInfo;
        if (cmd === "link_status") return sampleStatus;
        if (cmd === "link_history") return [];
        return { profiles: [] };
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    expect(root.querySelector("#no-profiles")?.textContent).toContain("No browser profiles found");
  });

  it("shows the command's message when it cannot start", async () => {
    mockIPC(
      () => {
        throw { code: "locations_unavailable", message: "cannot find your home folder: set HOME" };
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    const alert = root.querySelector("#error");
    expect(alert?.getAttribute("role")).toBe("alert");
    expect(alert?.textContent).toContain("set HOME");
  });

  it("links a work profile to the chosen personal profile and shows it under the work profile", async () => {
    const calls: Call[] = [];
    let current = sampleStatus;
    mockIPC(
      (cmd, args) => {
        calls.push({ cmd, args });
        if (cmd === "app_info") return sampleInfo;
        if (cmd === "list_profiles") return sampleSnapshot;
        if (cmd === "link_history") return [];
        if (cmd === "link_status") return current;
        if (cmd === "link_profile") {
          current = { ...sampleStatus, links: [sampleLink] };
          return sampleLink;
        }
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    const button = root.querySelector<HTMLButtonElement>("li.work button.link");
    expect(button).not.toBeNull();
    button!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "link_profile")?.args).toEqual({
      work: "edge:Default",
      personalProfile: "edge:Profile 1",
    });
    expect(root.querySelector("li.work")?.getAttribute("data-state")).toBe("linked");
    const dropdown = root.querySelector("details.linked[data-linked-for=Default]");
    expect(dropdown?.textContent).toContain("ada@outlook.com");
    expect(root.querySelector("#status")?.textContent).toContain("Linked");
  });

  it("shows why linking is off and disables linking, but never unlinking", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "app_info") return sampleInfo;
        if (cmd === "list_profiles") return sampleSnapshot;
        if (cmd === "link_history") return [];
        if (cmd === "link_status")
          return {
            ...sampleStatus,
            linking_allowed: false,
            policy_reason: "your organization turned linking off (LinkingEnabled is false in /etc/x.json)",
            links: [{ ...sampleLink, state: "work-account-unavailable", reason: "the work profile is signed out" }],
          };
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    expect(root.querySelector("#policy-banner")?.textContent).toContain("LinkingEnabled is false");
    expect(root.querySelector<HTMLButtonElement>("button.unlink")?.disabled).toBe(false);
    expect(root.querySelector("li.work")?.textContent).toContain("signed out");
  });

  it("leaves the confirmation of a deletion to the app's native dialog, and says nothing on Cancel", async () => {
    const calls: Call[] = [];
    let answer: "yes" | "no" = "no";
    mockIPC(
      (cmd, args) => {
        calls.push({ cmd, args });
        if (cmd === "app_info") return sampleInfo;
        if (cmd === "list_profiles") return sampleSnapshot;
        if (cmd === "link_history") return [];
        if (cmd === "link_status") return sampleStatus;
        if (cmd === "delete_personal_data") {
          if (answer === "no") throw { code: "declined", message: "nothing was done: you chose Cancel" };
          return sampleStatus;
        }
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    root.querySelector<HTMLButtonElement>("#delete")!.click();
    await settle();
    expect(calls.filter((c) => c.cmd === "delete_personal_data")).toHaveLength(1);
    expect(root.querySelector("#status")).toBeNull();
    answer = "yes";
    root.querySelector<HTMLButtonElement>("#delete")!.click();
    await settle();
    expect(root.querySelector("#status")?.textContent).toContain("deleted");
  });

  it("tells which browser's own policy keeps its profiles from linking", async () => {
    const off: Status = {
      ...sampleStatus,
      browsers: [
        { browser: "edge", linking_allowed: false, reason: "LinkedAccountEnabled is false in /etc/opt/edge/policies/managed/p.json" },
        { browser: "chrome", linking_allowed: true, reason: null },
      ],
    };
    mockIPC(
      (cmd) => {
        if (cmd === "app_info") return sampleInfo;
        if (cmd === "list_profiles") return sampleSnapshot;
        if (cmd === "link_history") return [];
        if (cmd === "link_status") return off;
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    const root = await render();
    expect(root.querySelector("#policy-banner")).toBeNull();
    const banner = root.querySelector(".browser-policy[data-browser='edge']");
    expect(banner?.textContent).toContain("LinkedAccountEnabled is false");
    expect(root.querySelector<HTMLButtonElement>("li.work[data-work='edge:Default'] button.signin")?.disabled).toBe(true);
  });
});
