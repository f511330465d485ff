// The switcher as a person uses it: on a fake backend, by clicks and keys.
import { emit } from "@tauri-apps/api/event";
import { describe, expect, it } from "vitest";
import { LANGUAGE_CHANGED, LINKS_CHANGED, PROFILES_CHANGED, type Status } from "./lib/bindings";
import { chromeProfile, personalProfile, profile, sampleLink, sampleSnapshot, sampleStatus, workProfile } from "./lib/fixtures";
import Switcher from "./Switcher.svelte";
import { backend, click, press, render, settingsView, settle, text, type } from "./test/window";

const linked: Status = { ...sampleStatus, links: [sampleLink] };

function search(root: HTMLElement): HTMLInputElement {
  return root.querySelector<HTMLInputElement>("#search")!;
}

function names(root: HTMLElement): string[] {
  return Array.from(root.querySelectorAll("button.profile .name")).map((node) => node.textContent!.replace(/\s+/g, " ").trim());
}

describe("the switcher", () => {
  it("lists the profiles by browser with their account, kind and the version", async () => {
    backend();
    const root = await render(Switcher);
    expect(Array.from(root.querySelectorAll("section[data-browser]")).map((node) => node.getAttribute("data-browser"))).toEqual(["edge", "chrome"]);
    const work = root.querySelector('section[data-browser="edge"] button.profile[data-profile-dir="Default"]')!;
    expect(text(work, ".account")).toContain("ada@contoso.com");
    expect(text(work, ".badge")).toBe("Work");
    expect(text(root, 'button.profile[data-profile-dir="Profile 1"] .badge')).toBe("Personal");
    expect(text(root, "#version")).toBe("Tandem 0.1.0");
    expect(document.activeElement).toBe(search(root));
  });

  it("sets a name from a browser file apart, so an override in it reorders nothing else", async () => {
    const spoof = profile({ name: "\u202eexe.Work", profile_dir: "Profile 9", is_default: true });
    backend({ list_profiles: () => ({ profiles: [spoof], unreadable: [] }) });
    const root = await render(Switcher);
    const name = root.querySelector('button.profile[data-profile-dir="Profile 9"] .name')!;
    // The name alone in an isolate; the "default" mark after it stays outside.
    expect(name.querySelector("bdi")!.textContent).toBe("\u202eexe.Work");
    expect(name.querySelector("bdi .default")).toBeNull();
    expect(name.querySelector(".default")).not.toBeNull();
    const button = root.querySelector('button.profile[data-profile-dir="Profile 9"]')!;
    expect(button.getAttribute("aria-label")).toContain("\u2068exe.Work\u2069");
  });

  it("gives every control an accessible name", async () => {
    backend({ link_status: () => linked });
    const root = await render(Switcher);
    for (const control of root.querySelectorAll("button, input")) {
      const name = control.getAttribute("aria-label") ?? control.textContent?.trim();
      expect(name, control.outerHTML).toBeTruthy();
    }
  });

  it("opens a profile on click and says so; a failure is shown as an alert", async () => {
    let fail = false;
    const calls = backend({
      open_profile: () => {
        if (fail) throw { code: "profile_folder_missing", message: "gone", browser: "Google Chrome", profile: "Person 1" };
        return null;
      },
    });
    const root = await render(Switcher);
    click(root, 'button.profile[data-profile-dir="Default"]');
    await settle();
    expect(calls.filter((call) => call.cmd === "open_profile").at(-1)!.args).toEqual({
      browser: "edge",
      userDataDir: "/home/ada/.config/microsoft-edge",
      profileDir: "Default",
    });
    expect(text(root, "#status")).toBe("Opening Microsoft Edge in “Ada Lovelace”…");
    fail = true;
    click(root, 'section[data-browser="chrome"] button.profile');
    await settle();
    expect(root.querySelector("#status")!.getAttribute("role")).toBe("alert");
    expect(text(root, "#status")).toBe("The profile “Person 1” of Google Chrome no longer exists (its folder is gone).");
  });

  it("follows the profiles live", async () => {
    backend();
    const root = await render(Switcher);
    const added = profile({ name: "Travel", profile_dir: "Profile 2" });
    await emit(PROFILES_CHANGED, {
      change: "profile_added",
      browser: "edge",
      profile_dir: "Profile 2",
      snapshot: { profiles: [...sampleSnapshot.profiles, added], unreadable: [] },
    });
    await settle();
    expect(names(root)).toContain("Travel");
  });

  it("says so when there is no browser, and when loading fails", async () => {
    backend({ list_profiles: () => ({ profiles: [], unreadable: [] }) });
    let root = await render(Switcher);
    expect(text(root, "#no-profiles")).toContain("No browser profiles found");
    backend({ list_profiles: () => Promise.reject({ code: "io", message: "disk on fire", path: "/x" }) });
    root = await render(Switcher);
    expect(root.querySelector("#error")!.getAttribute("role")).toBe("alert");
  });
});

describe("search and keys", () => {
  it("filters as you type, accents and case aside, and says when nothing matches", async () => {
    backend();
    const root = await render(Switcher);
    type(search(root), "LOVÉLACE");
    await settle();
    expect(names(root)).toEqual(["Ada Lovelace default"]);
    type(search(root), "chrome");
    await settle();
    expect(names(root)).toEqual(["Person 1"]);
    type(search(root), "nobody here");
    await settle();
    expect(text(root, "#no-profiles")).toBe("No profile matches “nobody here”.");
  });

  it("Enter opens the first match", async () => {
    const calls = backend();
    const root = await render(Switcher);
    type(search(root), "home");
    await settle();
    press(search(root), "Enter");
    await settle();
    expect(calls.filter((call) => call.cmd === "open_profile").map((call) => call.args["profileDir"])).toEqual(["Profile 1"]);
  });

  it("Esc clears the search first, then closes the window", async () => {
    const calls = backend();
    const root = await render(Switcher);
    type(search(root), "home");
    await settle();
    press(search(root), "Escape");
    await settle();
    expect(search(root).value).toBe("");
    expect(names(root)).toHaveLength(3);
    expect(calls.some((call) => call.cmd === "close_window")).toBe(false);
    press(search(root), "Escape");
    await settle();
    expect(calls.filter((call) => call.cmd === "close_window")).toHaveLength(1);
  });

  it("arrows, Home and End move the focus between profiles", async () => {
    backend();
    const root = await render(Switcher);
    const buttons = Array.from(root.querySelectorAll<HTMLButtonElement>("button.profile"));
    press(search(root), "ArrowDown");
    expect(document.activeElement).toBe(buttons[0]);
    press(document.activeElement!, "ArrowDown");
    expect(document.activeElement).toBe(buttons[1]);
    press(document.activeElement!, "End");
    expect(document.activeElement).toBe(buttons[2]);
    press(document.activeElement!, "ArrowDown");
    expect(document.activeElement).toBe(buttons[2]);
    press(document.activeElement!, "ArrowUp");
    expect(document.activeElement).toBe(buttons[1]);
    press(document.activeElement!, "Home");
    expect(document.activeElement).toBe(buttons[0]);
  });
});

describe("the linked account's dropdown", () => {
  it("shows the personal account under its work profile only", async () => {
    backend({ link_status: () => linked });
    const root = await render(Switcher);
    const dropdowns = root.querySelectorAll("details.linked");
    expect(dropdowns).toHaveLength(1);
    expect(dropdowns[0]!.getAttribute("data-linked-for")).toBe("Default");
    expect(text(dropdowns[0]!, "summary")).toBe("Linked: ada@outlook.com");
    expect(root.querySelector("#link-hint")).toBeNull();
  });

  it("opens the personal profile", async () => {
    const calls = backend({ link_status: () => linked });
    const root = await render(Switcher);
    click(root, "details.linked summary");
    click(root, "details.linked .open-personal");
    await settle();
    expect(text(root, "details.linked .open-personal")).toBe("Open personal profile “Home”");
    expect(calls.filter((call) => call.cmd === "open_profile").at(-1)!.args["profileDir"]).toBe(personalProfile.profile_dir);
  });

  it("unlinks, and the dropdown goes", async () => {
    let status = linked;
    const calls = backend({
      link_status: () => status,
      unlink_profile: () => {
        status = sampleStatus;
        return null;
      },
    });
    const root = await render(Switcher);
    click(root, "details.linked .unlink-here");
    await settle();
    expect(calls.find((call) => call.cmd === "unlink_profile")!.args).toEqual({ work: "edge:Default", beforeLeaving: false });
    expect(root.querySelector("details.linked")).toBeNull();
    expect(text(root, "#status")).toBe("Unlinked “Ada Lovelace”.");
  });

  it("follows links made elsewhere (the tray, the CLI)", async () => {
    backend();
    const root = await render(Switcher);
    expect(root.querySelector("details.linked")).toBeNull();
    await emit(LINKS_CHANGED, linked);
    await settle();
    expect(root.querySelector("details.linked")).not.toBeNull();
  });

  it("with a work profile and no link, offers the wizard", async () => {
    const calls = backend();
    const root = await render(Switcher);
    click(root, "#set-up");
    click(root, "#open-settings");
    await settle();
    expect(calls.filter((call) => call.cmd === "show_window").map((call) => call.args["window"])).toEqual(["wizard", "settings"]);
  });

  it("has no hint without a work profile", async () => {
    backend({ list_profiles: () => ({ profiles: [chromeProfile], unreadable: [] }) });
    const root = await render(Switcher);
    expect(root.querySelector("#link-hint")).toBeNull();
    expect(workProfile.account.kind).toBe("work");
  });
});

describe("policy", () => {
  it("says why linking is off, for Tandem or for a browser with a work profile, and offers no set-up", async () => {
    backend({ link_status: () => ({ ...sampleStatus, linking_allowed: false, policy_reason: "LinkingEnabled is false in /etc/tandem/policies/managed/p.json" }) });
    let root = await render(Switcher);
    expect(text(root, "#policy-banner")).toContain("LinkingEnabled is false");
    expect(root.querySelector("#link-hint")).toBeNull();

    backend({
      link_status: () => ({
        ...sampleStatus,
        browsers: [
          { browser: "edge", linking_allowed: false, reason: "LinkedAccountEnabled is false in /etc/opt/edge/policies/managed/p.json" },
          { browser: "chrome", linking_allowed: false, reason: "irrelevant: no work profile in Chrome" },
        ],
      }),
    });
    root = await render(Switcher);
    expect(root.querySelector("#policy-banner")).toBeNull();
    expect(Array.from(root.querySelectorAll(".browser-policy")).map((node) => node.getAttribute("data-browser"))).toEqual(["edge"]);
    expect(text(root, ".browser-policy")).toContain("LinkedAccountEnabled is false");
  });
});

describe("language", () => {
  it("speaks Dutch when the settings say so, and switches live", async () => {
    backend({ app_settings: () => settingsView("nl"), link_status: () => linked });
    const root = await render(Switcher);
    expect(text(root, ".tagline")).toBe("Je werk- en persoonlijke browserprofielen, zij aan zij.");
    expect(search(root).getAttribute("aria-label")).toBe("Profielen zoeken");
    expect(text(root, "details.linked .unlink-here")).toBe("Ontkoppelen");
    await emit(LANGUAGE_CHANGED, "en");
    await settle();
    expect(text(root, ".tagline")).toBe("Your work and personal browser profiles, side by side.");
  });
});
