// How link rules, routes and the picker's choices read; kept apart from the
// components so they are tested without a DOM.
import { BROWSER_NAMES, type Layer, type Profile, type Route, type RuleFlag } from "./bindings";
import { refOf } from "./links";

const KIND_ORDER: Record<string, number> = { work: 0, personal: 1, google: 2, unknown: 3, none: 4 };

/** The picker's order: work and personal Microsoft profiles first, each kind most recently used first. */
export function pickOrder(profiles: readonly Profile[]): Profile[] {
  return [...profiles]
    .filter((profile) => !profile.unreadable || profile.account.kind !== "unknown")
    .sort(
      (a, b) =>
        (KIND_ORDER[a.account.kind] ?? 9) - (KIND_ORDER[b.account.kind] ?? 9) ||
        (b.last_active ?? 0) - (a.last_active ?? 0),
    );
}

export interface TargetOption {
  value: string;
  label: string;
}

/** What a rule can send a link to: the linked profiles, asking, or one profile. */
export function targetOptions(profiles: readonly Profile[]): TargetOption[] {
  return [
    { value: "work", label: "The work profile" },
    { value: "personal", label: "The personal profile" },
    { value: "ask", label: "Ask every time" },
    ...profiles.map((profile) => ({
      value: refOf(profile),
      label: `${profile.name} (${BROWSER_NAMES[profile.browser]})`,
    })),
  ];
}

/** Where links no rule decides go. */
export function fallbackOptions(profiles: readonly Profile[]): TargetOption[] {
  return [
    { value: "as-before", label: "Where links opened before Tandem" },
    { value: "ask", label: "Ask every time" },
    ...profiles.map((profile) => ({
      value: refOf(profile),
      label: `${profile.name} (${BROWSER_NAMES[profile.browser]})`,
    })),
  ];
}

const LAYER_LABELS: Record<Layer, string> = {
  managed: "Set by your organization",
  user: "Yours",
  recommended: "Recommended by your organization",
  preset: "Built in",
};

export function layerLabel(layer: Layer): string {
  return LAYER_LABELS[layer];
}

const FLAG_LABELS: Record<RuleFlag, string> = {
  profile_missing: "Its profile is gone",
  account_changed: "Its profile has another account now",
  invalid: "Cannot be read",
  shadowed: "Never applies",
};

export function flagLabel(flag: RuleFlag): string {
  return FLAG_LABELS[flag];
}

/** A route in one line: where the link opens. */
export function routeSummary(route: Route): string {
  if (route.decision === "ask") return "Tandem asks which profile opens it.";
  const browser = route.browser ?? "the browser";
  const named = (BROWSER_NAMES as Record<string, string>)[browser] ?? browser;
  return route.profile_dir
    ? `Opens in ${named}, profile ${route.profile_dir}.`
    : `Opens in ${named}, in the profile it picks itself.`;
}
