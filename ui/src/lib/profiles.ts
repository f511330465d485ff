// How the switcher presents profiles: grouping and labels, kept apart from
// the components so they are tested on their own.
import { BROWSER_NAMES, type AccountKind, type BrowserId, type Profile } from "./bindings";

export interface BrowserGroup {
  browser: BrowserId;
  name: string;
  profiles: Profile[];
}

/** Profiles grouped by browser, in the order discovery lists them. */
export function groupByBrowser(profiles: readonly Profile[]): BrowserGroup[] {
  const groups: BrowserGroup[] = [];
  for (const profile of profiles) {
    let group = groups.find((candidate) => candidate.browser === profile.browser);
    if (!group) {
      group = { browser: profile.browser, name: BROWSER_NAMES[profile.browser], profiles: [] };
      groups.push(group);
    }
    group.profiles.push(profile);
  }
  return groups;
}

const KIND_LABELS: Record<AccountKind, string> = {
  work: "Work",
  personal: "Personal",
  google: "Google",
  none: "Not signed in",
  unknown: "Unknown account",
};

export function kindLabel(kind: AccountKind): string {
  return KIND_LABELS[kind];
}

/** The line under a profile's name: who is signed in. */
export function accountLine(profile: Profile): string {
  const { kind, email, display_name } = profile.account;
  if (kind === "none") return "Not signed in";
  return email ?? display_name ?? kindLabel(kind);
}

/** A stable key for a profile in lists. */
export function profileKey(profile: Profile): string {
  return `${profile.browser}\u0000${profile.user_data_dir}\u0000${profile.profile_dir}`;
}
