// How link rules, routes and the picker's choices read; kept apart from the
// components so they are tested without a DOM.
import { BROWSER_NAMES, type Layer, type Profile, type Route, type RuleFlag } from "./bindings";
import { say, t } from "./i18n.svelte";
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
    { value: "work", label: t("target.work") },
    { value: "personal", label: t("target.personal") },
    { value: "ask", label: t("target.ask") },
    ...profiles.map((profile) => ({
      value: refOf(profile),
      label: `${profile.name} (${BROWSER_NAMES[profile.browser]})`,
    })),
  ];
}

/** Where links no rule decides go. */
export function fallbackOptions(profiles: readonly Profile[]): TargetOption[] {
  return [
    { value: "as-before", label: t("target.as_before") },
    { value: "ask", label: t("target.ask") },
    ...profiles.map((profile) => ({
      value: refOf(profile),
      label: `${profile.name} (${BROWSER_NAMES[profile.browser]})`,
    })),
  ];
}

/** A rule's target in words: the linked profile it means, asking, the
 * previous handler, or the profile it names. */
export function targetLabel(target: string, profiles: readonly Profile[]): string {
  const option = [...targetOptions(profiles), ...fallbackOptions(profiles)].find((known) => known.value === target);
  return option?.label ?? target;
}

export function layerLabel(layer: Layer): string {
  return t(`layer.${layer}`);
}

export function flagLabel(flag: RuleFlag): string {
  return t(`flag.${flag}`);
}

/** A route in one line: where the link opens, the profile by its name
 * when Tandem knows it (else its folder). */
export function routeSummary(route: Route, profiles: readonly Profile[] = []): string {
  if (route.decision === "ask") return t("route.ask");
  const browser = route.browser ?? "";
  const named = route.shown ? say(route.shown) : browser;
  if (!route.profile_dir) return t("route.opens_as_before", { browser: named });
  const profile = profiles.find((candidate) => candidate.browser === browser && candidate.profile_dir === route.profile_dir);
  return t("route.opens_in", { browser: named, profile: profile?.name ?? route.profile_dir });
}
