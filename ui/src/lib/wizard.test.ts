import { describe, expect, it } from "vitest";
import { personalProfile, said, sampleStatus, workProfile } from "./fixtures";
import { allowedFor, canGoOn, STEPS, type WizardState } from "./wizard";

const fresh: WizardState = { work: null, proof: "signin", signedIn: null, personalProfile: null, linkHandler: true, autostart: true };
const machine = { profiles: [workProfile, personalProfile], status: sampleStatus };

describe("the wizard's steps", () => {
  it("are the eight the product names, in order", () => {
    expect(STEPS).toEqual(["welcome", "profiles", "work", "policy", "personal", "routing", "startup", "done"]);
  });

  it("go on from the work step only with a work profile that exists", () => {
    expect(canGoOn("work", fresh, machine)).toBe(false);
    expect(canGoOn("work", { ...fresh, work: "edge:Default" }, machine)).toBe(true);
    expect(canGoOn("work", { ...fresh, work: "edge:Gone" }, machine)).toBe(false);
  });

  it("stop at the policy step when the admin forbids linking, or personal data is paused", () => {
    const state = { ...fresh, work: "edge:Default" };
    expect(canGoOn("policy", state, machine)).toBe(true);
    expect(canGoOn("policy", state, { ...machine, status: { ...sampleStatus, linking_allowed: false, policy_reason: said("linking.off_by_organization") } })).toBe(false);
    const edgeOff = { ...sampleStatus, browsers: [{ browser: "edge" as const, linking_allowed: false, reason: said("policy.reason.off", { name: "LinkedAccountEnabled", location: "/etc/x.json" }) }] };
    expect(canGoOn("policy", state, { ...machine, status: edgeOff })).toBe(false);
    expect(allowedFor(edgeOff, workProfile)).toEqual({ allowed: false, reason: edgeOff.browsers[0]?.reason });
    expect(canGoOn("policy", state, { ...machine, status: { ...sampleStatus, personal_data_restricted: true } })).toBe(false);
    expect(canGoOn("policy", state, { profiles: machine.profiles })).toBe(false);
  });

  it("go on from the personal step with a signed-in account or a chosen profile, whichever was picked", () => {
    expect(canGoOn("personal", fresh, machine)).toBe(false);
    expect(canGoOn("personal", { ...fresh, signedIn: { key: "k", email: "ada@outlook.com", name: null } }, machine)).toBe(true);
    expect(canGoOn("personal", { ...fresh, proof: "profile", personalProfile: "edge:Profile 1" }, machine)).toBe(true);
    expect(canGoOn("personal", { ...fresh, proof: "profile", signedIn: { key: "k", email: null, name: null } }, machine)).toBe(false);
  });

  it("never go on from done", () => {
    expect(canGoOn("done", fresh, machine)).toBe(false);
    expect(canGoOn("welcome", fresh, machine)).toBe(true);
  });
});
