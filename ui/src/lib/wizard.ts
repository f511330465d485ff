// The wizard's steps and when each lets the person go on: pure, so every
// step is tested without a window.
import type { Profile, ProfileRef, Said, SignedInAccount, Status } from "./bindings";

export const STEPS = ["welcome", "profiles", "work", "policy", "personal", "routing", "startup", "done"] as const;
export type Step = (typeof STEPS)[number];

export interface WizardState {
  work: ProfileRef | null;
  proof: "signin" | "profile";
  signedIn: SignedInAccount | null;
  personalProfile: ProfileRef | null;
  linkHandler: boolean;
  autostart: boolean;
}

/** Whether policy lets this work profile link: Tandem's switch and its browser's own. */
export function allowedFor(status: Status, work: Profile): { allowed: boolean; reason: Said | null } {
  if (!status.linking_allowed) return { allowed: false, reason: status.policy_reason };
  const browser = status.browsers.find((candidate) => candidate.browser === work.browser);
  if (browser && !browser.linking_allowed) return { allowed: false, reason: browser.reason };
  return { allowed: true, reason: null };
}

/** Whether the step's question is answered, so Next goes on. */
export function canGoOn(step: Step, state: WizardState, machine: { profiles: Profile[]; status?: Status }): boolean {
  switch (step) {
    case "work":
      return state.work !== null && machine.profiles.some((profile) => `${profile.browser}:${profile.profile_dir}` === state.work);
    case "policy": {
      const work = machine.profiles.find((profile) => `${profile.browser}:${profile.profile_dir}` === state.work);
      return !!work && !!machine.status && allowedFor(machine.status, work).allowed && !machine.status.personal_data_restricted;
    }
    case "personal":
      return state.proof === "signin" ? state.signedIn !== null : state.personalProfile !== null;
    case "done":
      return false;
    default:
      return true;
  }
}
