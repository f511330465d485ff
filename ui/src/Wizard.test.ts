// The first-run wizard, every step, on a fake backend.
import { describe, expect, it } from "vitest";
import type { Status, WizardDone } from "./lib/bindings";
import { said, sampleLink, sampleStatus } from "./lib/fixtures";
import { backend, click, render, sampleHandler, settingsView, settle, text, type Call } from "./test/window";
import Wizard from "./Wizard.svelte";

const signedIn = { key: "00000000-0000-0000-1234-567890abcdef", email: "ada@outlook.com", name: "Ada" };

function finished(args: Record<string, unknown>): WizardDone {
  const choices = args["choices"] as { link_handler: boolean; autostart: boolean };
  return {
    link: { ...sampleLink, personal_account: { account_key: signedIn.key, email: signedIn.email, name: signedIn.name, proof: "sign_in" } },
    link_handler: choices.link_handler,
    autostart: choices.autostart,
  };
}

const WIZARD_ANSWERS = {
  wizard_sign_in: () => signedIn,
  wizard_finish: finished,
  wizard_cancel: () => null,
  wizard_skip: () => null,
  cancel_sign_in: () => true,
};

async function wizard(answers: Parameters<typeof backend>[0] = {}): Promise<{ calls: Call[]; root: HTMLElement }> {
  const calls = backend({ ...WIZARD_ANSWERS, ...answers });
  const root = await render(Wizard);
  return { calls, root };
}

/** The controls a screen reader could not name. */
function unnamed(root: HTMLElement): string[] {
  return Array.from(root.querySelectorAll("button, input, select"))
    .filter((control) => {
      const name =
        control.getAttribute("aria-label") ??
        control.closest("label")?.textContent?.trim() ??
        (control.id ? root.querySelector(`label[for="${control.id}"]`)?.textContent?.trim() : undefined) ??
        control.textContent?.trim();
      return !name;
    })
    .map((control) => control.outerHTML);
}

function step(root: HTMLElement): string {
  return root.querySelector("main")!.getAttribute("data-step")!;
}

async function next(root: HTMLElement): Promise<void> {
  expect(unnamed(root), `controls without a name on ${step(root)}`).toEqual([]);
  const button = root.querySelector<HTMLButtonElement>("#wizard-next")!;
  expect(button.disabled, `Next on ${step(root)}`).toBe(false);
  button.click();
  await settle();
}

/** Goes on to `target`, signing in on the way when no proof was chosen. */
async function upTo(root: HTMLElement, target: string): Promise<void> {
  while (step(root) !== target) {
    if (step(root) === "personal" && root.querySelector<HTMLButtonElement>("#wizard-next")!.disabled) {
      click(root, "#wizard-sign-in");
      await settle();
    }
    await next(root);
  }
}

describe("the wizard", () => {
  it("walks every step to done and sets up what was chosen", async () => {
    const { calls, root } = await wizard();
    expect(step(root)).toBe("welcome");
    expect(text(root, "#wizard-progress")).toBe("Step 1 of 8");
    expect(text(root, ".step")).toContain("Tandem links your personal Microsoft account");

    await next(root);
    expect(step(root)).toBe("profiles");
    expect(text(root, ".step")).toContain("Microsoft Edge");
    expect(text(root, ".step")).toContain("ada@contoso.com");
    expect(text(root, ".step")).toContain("Google Chrome");

    await next(root);
    expect(step(root)).toBe("work");
    expect(root.querySelector<HTMLInputElement>('input[name="work"][value="edge:Default"]')!.checked).toBe(true);

    await next(root);
    expect(step(root)).toBe("policy");
    expect(text(root, "#wizard-policy-ok")).toBe("Your organization allows linking in Microsoft Edge.");

    await next(root);
    expect(step(root)).toBe("personal");
    expect(root.querySelector<HTMLButtonElement>("#wizard-next")!.disabled).toBe(true);
    click(root, "#wizard-sign-in");
    await settle();
    expect(text(root, "#wizard-signed-in")).toBe("Signed in as ada@outlook.com.");

    await next(root);
    expect(step(root)).toBe("routing");
    expect(text(root, "#wizard-presets")).toContain("outlook.live.com → ");
    expect(text(root, ".step")).toContain("(instead of firefox.desktop)");
    expect(root.querySelector<HTMLInputElement>("#wizard-handler")!.checked).toBe(true);

    await next(root);
    expect(step(root)).toBe("startup");
    click(root, "#wizard-autostart");
    click(root, "#wizard-finish");
    await settle();

    expect(step(root)).toBe("done");
    expect(calls.find((call) => call.cmd === "wizard_finish")!.args).toEqual({
      choices: { work: "edge:Default", personal: { kind: "signed_in", key: signedIn.key }, link_handler: true, autostart: false },
    });
    const summary = text(root, "#wizard-done");
    expect(summary).toContain("ada@contoso.com is linked to ada@outlook.com.");
    expect(summary).toContain("Tandem opens the links you click.");
    expect(summary).toContain("Tandem does not start by itself.");
    // Nothing was set up before Finish.
    const finishAt = calls.findIndex((call) => call.cmd === "wizard_finish");
    expect(calls.slice(0, finishAt).map((call) => call.cmd)).not.toContain("link_profile");

    click(root, "#wizard-start");
    await settle();
    expect(calls.filter((call) => ["show_window", "close_window"].includes(call.cmd)).map((call) => [call.cmd, call.args["window"]])).toEqual([
      ["show_window", "switcher"],
      ["close_window", undefined],
    ]);
  });

  it("can prove the personal account with a profile instead of a sign-in", async () => {
    const { calls, root } = await wizard();
    await upTo(root, "personal");
    click(root, "#personal-profile");
    await settle();
    expect(root.querySelector<HTMLSelectElement>("#personal-profile-choice")!.value).toBe("edge:Profile 1");
    await upTo(root, "startup");
    click(root, "#wizard-finish");
    await settle();
    const choices = calls.find((call) => call.cmd === "wizard_finish")!.args["choices"] as Record<string, unknown>;
    expect(choices["personal"]).toEqual({ kind: "profile", profile: "edge:Profile 1" });
    expect(calls.some((call) => call.cmd === "wizard_sign_in")).toBe(false);
  });

  it("goes back from every step, keeping what was chosen", async () => {
    const { root } = await wizard();
    await upTo(root, "startup");
    const seen: string[] = [];
    while (root.querySelector("#wizard-back")) {
      click(root, "#wizard-back");
      await settle();
      seen.push(step(root));
    }
    expect(seen).toEqual(["routing", "personal", "policy", "work", "profiles", "welcome"]);
    await upTo(root, "work");
    expect(root.querySelector<HTMLInputElement>('input[name="work"][value="edge:Default"]')!.checked).toBe(true);
  });

  it("stops at the policy step when the admin forbids linking, and says why", async () => {
    const off: Status = { ...sampleStatus, linking_allowed: false, policy_reason: said("policy.reason.off", { name: "LinkingEnabled", location: "/etc/tandem/policy.json" }) };
    const { calls, root } = await wizard({ link_status: () => off });
    await upTo(root, "policy");
    expect(text(root, "#wizard-policy-forbidden")).toBe(
      "Not allowed: your organization turned linking off (LinkingEnabled is false in /etc/tandem/policy.json).",
    );
    expect(root.querySelector<HTMLButtonElement>("#wizard-next")!.disabled).toBe(true);
    expect(root.querySelector<HTMLButtonElement>("#wizard-cancel")).not.toBeNull();
    // Not a dead end: Tandem still opens profiles and links.
    click(root, "#wizard-without-linking");
    await settle();
    expect(calls.some((call) => call.cmd === "wizard_skip")).toBe(true);
    expect(calls.some((call) => call.cmd === "wizard_finish")).toBe(false);
  });

  it("says so when a sign-in fails, and says nothing when it is cancelled", async () => {
    let outcome: unknown = { code: "sign_in_failed", message: "the provider said no", reason: "the provider said no" };
    const { root } = await wizard({ wizard_sign_in: () => Promise.reject(outcome) });
    await upTo(root, "personal");
    click(root, "#wizard-sign-in");
    await settle();
    expect(root.querySelector("#wizard-problem")).not.toBeNull();
    expect(root.querySelector<HTMLButtonElement>("#wizard-next")!.disabled).toBe(true);
    outcome = { code: "sign_in_cancelled", message: "cancelled" };
    click(root, "#wizard-sign-in");
    await settle();
    expect(root.querySelector("#wizard-problem")).toBeNull();
  });

  it("cancels a sign-in under way, then the wizard, from any step", async () => {
    let release: () => void = () => {};
    const { calls, root } = await wizard({
      wizard_sign_in: () => new Promise((_, reject) => (release = () => reject({ code: "sign_in_cancelled", message: "cancelled" }))),
      cancel_sign_in: () => {
        release();
        return true;
      },
    });
    await upTo(root, "personal");
    click(root, "#wizard-sign-in");
    await settle();
    expect(root.querySelector<HTMLButtonElement>("#wizard-back")!.disabled).toBe(true);
    click(root, "#wizard-cancel");
    await settle();
    expect(calls.map((call) => call.cmd).filter((cmd) => cmd.startsWith("wizard_") || cmd === "cancel_sign_in")).toEqual([
      "wizard_sign_in",
      "cancel_sign_in",
      "wizard_cancel",
    ]);
    expect(calls.some((call) => call.cmd === "wizard_finish")).toBe(false);
  });

  it("can be put off from the welcome step", async () => {
    const { calls, root } = await wizard();
    click(root, "#wizard-skip");
    await settle();
    expect(calls.some((call) => call.cmd === "wizard_skip")).toBe(true);
  });

  it("offers no handler switch when Tandem already opens links, and has nothing to link without a work profile", async () => {
    const { root } = await wizard({
      handler_status: () => ({ ...sampleHandler, registered: true, desktop_entry: "tandem.desktop" }),
      list_profiles: () => ({ profiles: [], unreadable: [] }),
    });
    await next(root);
    expect(root.querySelector("#wizard-no-profiles")).not.toBeNull();
    await next(root);
    expect(root.querySelector("#wizard-no-work")).not.toBeNull();
    expect(root.querySelector<HTMLButtonElement>("#wizard-next")!.disabled).toBe(true);
  });

  it("shows the core's error when finishing fails, and stays", async () => {
    const { root } = await wizard({ wizard_finish: () => Promise.reject({ code: "already_linked", message: "already linked", work: "edge:Default" }) });
    await upTo(root, "startup");
    click(root, "#wizard-finish");
    await settle();
    expect(step(root)).toBe("startup");
    expect(text(root, "#wizard-problem")).not.toBe("");
  });

  it("speaks Dutch", async () => {
    const { root } = await wizard({ app_settings: () => settingsView("nl") });
    expect(text(root, "#wizard-progress")).toBe("Stap 1 van 8");
    expect(text(root, "#wizard-next")).toBe("Volgende");
  });
});
