// The settings window, section by section, on a fake backend.
import { describe, expect, it } from "vitest";
import type { Route, RulesReport, Status } from "./lib/bindings";
import { said, sampleLink, sampleStatus } from "./lib/fixtures";
import Settings from "./Settings.svelte";
import { backend, click, render, sampleHandler, sampleRules, settingsView, settle, text, type } from "./test/window";

async function open(section: string, answers: Parameters<typeof backend>[0] = {}) {
  const calls = backend(answers);
  const root = await render(Settings);
  click(root, `#tab-${section}`);
  await settle();
  return { calls, root };
}

describe("the settings window", () => {
  it("has one tab per section, the current one marked, each with a name", async () => {
    const { root } = await open("rules");
    const tabs = Array.from(root.querySelectorAll("nav .tab"));
    expect(tabs.map((tab) => tab.textContent!.trim())).toEqual(["Linking", "Link rules", "Link handler", "Start at sign-in", "Language", "Privacy"]);
    expect(root.querySelector("#tab-rules")!.getAttribute("aria-current")).toBe("page");
    expect(root.querySelector("#tab-linking")!.getAttribute("aria-current")).toBeNull();
    for (const control of root.querySelectorAll("button, input, select")) {
      const labelled = control.getAttribute("aria-label") ?? control.closest("label")?.textContent?.trim() ?? control.textContent?.trim();
      expect(labelled, control.outerHTML).toBeTruthy();
    }
  });

  it("reruns the wizard", async () => {
    const { calls, root } = await open("linking");
    click(root, "#run-wizard");
    await settle();
    expect(calls.find((call) => call.cmd === "show_window")!.args).toEqual({ window: "wizard" });
  });
});

describe("linking", () => {
  it("links a work profile to the chosen personal profile", async () => {
    let current = sampleStatus;
    const { calls, root } = await open("linking", {
      link_status: () => current,
      link_profile: () => {
        current = { ...sampleStatus, links: [sampleLink] };
        return sampleLink;
      },
    });
    click(root, "li.work button.link");
    await settle();
    expect(calls.find((call) => call.cmd === "link_profile")!.args).toEqual({ work: "edge:Default", personalProfile: "edge:Profile 1" });
    expect(root.querySelector("li.work")!.getAttribute("data-state")).toBe("linked");
    expect(text(root, "li.work .personal")).toBe("ada@outlook.com");
    expect(text(root, "#status")).toContain("Linked");
  });

  it("shows why linking is off and disables linking, but never unlinking", async () => {
    const { root } = await open("linking", {
      link_status: (): Status => ({
        ...sampleStatus,
        linking_allowed: false,
        policy_reason: said("policy.reason.off", { name: "LinkingEnabled", location: "/etc/x.json" }),
        links: [{ ...sampleLink, state: "work-account-unavailable", reason: said("link.reason.signed_out", { profile: said("profile.in_browser", { profile: "Work", browser: "Microsoft Edge" }) }) }],
      }),
    });
    expect(text(root, "#policy-banner")).toContain("LinkingEnabled is false");
    expect(root.querySelector<HTMLButtonElement>("button.unlink")!.disabled).toBe(false);
    expect(text(root, "li.work")).toContain("the work profile “Work” in Microsoft Edge is signed out");
  });

  it("tells which browser's own policy keeps its profiles from linking", async () => {
    const { root } = await open("linking", {
      link_status: (): Status => ({
        ...sampleStatus,
        browsers: [
          { browser: "edge", linking_allowed: false, reason: said("policy.reason.off", { name: "LinkedAccountEnabled", location: "/etc/opt/edge/policies/managed/p.json" }) },
          { browser: "chrome", linking_allowed: true, reason: null },
        ],
      }),
    });
    expect(root.querySelector("#policy-banner")).toBeNull();
    expect(text(root, ".browser-policy[data-browser='edge']")).toContain("LinkedAccountEnabled is false");
    expect(root.querySelector<HTMLButtonElement>("li.work[data-work='edge:Default'] button.signin")!.disabled).toBe(true);
  });

  it("signs in with a way to cancel while the browser is open", async () => {
    let finish: (value: unknown) => void = () => {};
    const { calls, root } = await open("linking", {
      link_with_sign_in: () => new Promise((resolve) => (finish = resolve)),
      cancel_sign_in: () => {
        finish(Promise.reject({ code: "sign_in_cancelled", message: "cancelled" }));
        return true;
      },
    });
    click(root, "li.work button.signin");
    await settle();
    expect(calls.find((call) => call.cmd === "link_with_sign_in")!.args).toEqual({ work: "edge:Default", personalProfile: null });
    click(root, "#cancel-sign-in");
    await settle();
    expect(calls.some((call) => call.cmd === "cancel_sign_in")).toBe(true);
    // Cancelling is not an error.
    expect(root.querySelector("#status")).toBeNull();
  });
});

describe("link rules", () => {
  it("shows the admin's rules read-only beside the person's own", async () => {
    const rules: RulesReport = {
      ...sampleRules,
      rules: [
        { id: "managed:1", layer: "managed", pattern: "*.contoso.com", target: "work", flag: null, note: said("rules.origin.policy", { policy: "RoutingRules", location: "/etc/tandem/policy.json" }), removable: false },
        { id: "user:1", layer: "user", pattern: "github.com", target: "personal", flag: null, note: null, removable: true },
        ...sampleRules.rules,
      ],
    };
    const { root } = await open("rules", { routing_rules: () => rules });
    expect(root.querySelector('li[data-rule-id="managed:1"] .remove')).toBeNull();
    expect(root.querySelector('li[data-rule-id="user:1"] .remove')).not.toBeNull();
    expect(text(root, 'li[data-rule-id="managed:1"] .target')).toContain("work");
  });

  it("tests a typed link with the real router's answer", async () => {
    const route: Route = {
      url: "https://outlook.live.com/mail",
      effective_url: "https://outlook.live.com/mail",
      decision: "open",
      browser: "edge",
      shown: said("said.verbatim", { text: "Microsoft Edge" }),
      profile_dir: "Profile 1",
      rule: { layer: "preset", id: "preset:outlook.live.com", pattern: "outlook.live.com" },
      reason: said("route.reason.rule_opens", {
        rule: said("route.who.preset", { pattern: "outlook.live.com" }),
        how: said("route.how.linked_personal", { profile: "Home", browser: "Microsoft Edge" }),
      }),
      argv: ["microsoft-edge", "--profile-directory=Profile 1", "https://outlook.live.com/mail"],
      wrappers: [],
    };
    const { calls, root } = await open("rules", { test_route: () => route });
    type(root.querySelector<HTMLInputElement>("#route-url")!, "  https://outlook.live.com/mail ");
    await settle();
    root.querySelector<HTMLFormElement>("#route-url")!.form!.requestSubmit();
    await settle();
    expect(calls.find((call) => call.cmd === "test_route")!.args).toEqual({ url: "https://outlook.live.com/mail" });
    expect(text(root, "#route-result")).toContain("Microsoft Edge");
    expect(text(root, "#route-result")).toContain("Tandem's built-in rule outlook.live.com opens it in the linked personal profile, Home in Microsoft Edge");
  });

  it("adds a rule for the chosen profile", async () => {
    const { calls, root } = await open("rules", {
      add_rule: (args) => ({ id: "user:9", layer: "user", pattern: args["pattern"], target: args["target"], flag: null, note: null, removable: true }),
    });
    type(root.querySelector<HTMLInputElement>("#rule-pattern")!, "github.com");
    await settle();
    root.querySelector<HTMLFormElement>("#rule-pattern")!.form!.requestSubmit();
    await settle();
    expect(calls.find((call) => call.cmd === "add_rule")!.args["pattern"]).toBe("github.com");
  });
});

describe("the link handler, start at sign-in and language", () => {
  it("shows the handler it replaced and sets Tandem", async () => {
    const { calls, root } = await open("handler", {
      set_link_handler: (args) => ({ ...sampleHandler, registered: args["on"], desktop_entry: "tandem.desktop" }),
    });
    expect(text(root, "#handler-state")).toContain("firefox.desktop");
    click(root, "#handler-toggle");
    await settle();
    expect(calls.find((call) => call.cmd === "set_link_handler")!.args).toEqual({ on: true });
    expect(text(root, "#handler-toggle")).toBe("Put the previous handler back");
  });

  it("turns start at sign-in on", async () => {
    const { calls, root } = await open("startup", { set_autostart: (args) => settingsView("en", { autostart: args["on"] as boolean }) });
    const box = root.querySelector<HTMLInputElement>("#autostart")!;
    expect(box.checked).toBe(false);
    box.click();
    await settle();
    expect(calls.find((call) => call.cmd === "set_autostart")!.args).toEqual({ on: true });
    expect(root.querySelector<HTMLInputElement>("#autostart")!.checked).toBe(true);
  });

  it("chooses Dutch, or the system's language again", async () => {
    const { calls, root } = await open("language", {
      set_language: (args) => settingsView((args["language"] as "en" | "nl" | null) ?? "en", { chosen_language: (args["language"] as "nl" | null) ?? null }),
    });
    const select = root.querySelector<HTMLSelectElement>("#language-choice")!;
    expect(select.value).toBe("system");
    select.value = "nl";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    select.value = "system";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect(calls.filter((call) => call.cmd === "set_language").map((call) => call.args["language"])).toEqual(["nl", null]);
  });
});

describe("privacy", () => {
  it("leaves the confirmation of a deletion to the app's native dialog, and says nothing on Cancel", async () => {
    let answer: "yes" | "no" = "no";
    const { calls, root } = await open("privacy", {
      delete_personal_data: () => {
        if (answer === "no") throw { code: "declined", message: "nothing was done: you chose Cancel" };
        return sampleStatus;
      },
    });
    click(root, "#delete");
    await settle();
    expect(calls.filter((call) => call.cmd === "delete_personal_data")).toHaveLength(1);
    expect(root.querySelector("#status")).toBeNull();
    answer = "yes";
    click(root, "#delete");
    await settle();
    expect(text(root, "#status")).toContain("deleted");
  });

  it("exports, pauses and says where the file went", async () => {
    const { calls, root } = await open("privacy", {
      export_personal_data: () => "/home/ada/Documents/tandem-personal-data.json",
      restrict_personal_data: (args) => ({ ...sampleStatus, personal_data_restricted: args["restricted"] }),
    });
    click(root, "#export");
    await settle();
    expect(text(root, "#status")).toContain("/home/ada/Documents/tandem-personal-data.json");
    click(root, "#restrict");
    await settle();
    expect(calls.find((call) => call.cmd === "restrict_personal_data")!.args).toEqual({ restricted: true });
  });
});

describe("in Dutch", () => {
  it("names the sections in Dutch and words errors from their code", async () => {
    const { root } = await open("linking", {
      app_settings: () => settingsView("nl"),
      link_profile: () => Promise.reject({ code: "profile_folder_missing", message: "gone", browser: "Microsoft Edge", profile: "Home" }),
    });
    expect(text(root, "#tab-privacy")).toBe("Privacy");
    expect(text(root, "#tab-handler")).not.toBe("Link handler");
    click(root, "li.work button.link");
    await settle();
    expect(text(root, "#status")).toContain("“Home”");
    expect(text(root, "#status")).not.toContain("no longer exists");
  });
});
