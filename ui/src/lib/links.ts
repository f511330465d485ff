// Pure helpers for showing links: which profiles can be linked, and how a
// link, a state and a history entry read. Kept apart from components so
// they are unit-tested without a DOM.
import type { HistoryEntry, HistoryEvent, Link, LinkState, Profile, ProfileRef } from "./bindings";

/** How Rust names a profile: `<browser>:<profile folder>`. */
export function refOf(profile: Profile): ProfileRef {
  return `${profile.browser}:${profile.profile_dir}`;
}

export function sameRef(a: ProfileRef, b: ProfileRef): boolean {
  return a === b;
}

export function refKey(ref: ProfileRef): string {
  return ref;
}

export function linkOf(links: Link[], profile: Profile): Link | undefined {
  return links.find((link) => sameRef(link.work, refOf(profile)));
}

/** Profiles that can be the personal side: personal Microsoft accounts, same browser first. */
export function personalCandidates(profiles: Profile[], work: Profile): Profile[] {
  return profiles
    .filter((profile) => profile.account.kind === "personal")
    .sort((a, b) => Number(b.browser === work.browser) - Number(a.browser === work.browser));
}

export function findProfile(profiles: Profile[], ref: ProfileRef | null): Profile | undefined {
  return ref ? profiles.find((profile) => sameRef(refOf(profile), ref)) : undefined;
}

export function personalLine(link: Link): string {
  const account = link.personal_account;
  if (!account) return "personal account (processing paused)";
  return account.email ?? account.name ?? "personal account";
}

const STATES: Record<LinkState, string> = {
  unlinked: "Not linked",
  linking: "Waiting for the sign-in…",
  linked: "Linked",
  "work-account-unavailable": "Work account unavailable",
};

export function stateLabel(state: LinkState): string {
  return STATES[state];
}

const EVENTS: Record<HistoryEvent, string> = {
  linked: "Linked",
  "unlinked-by-user": "Unlinked by you",
  "unlinked-by-policy": "Unlinked by your organization's policy",
  "account-gone": "Unlinked: the work account is gone",
  "work-account-unavailable": "Work account unavailable",
  restored: "Work account available again",
  "personal-data-deleted": "Unlinked: personal data deleted",
};

export function eventLabel(event: HistoryEvent): string {
  return EVENTS[event];
}

export function timeLabel(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/** Newest first, for reading. */
export function newestFirst(entries: HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.time - a.time);
}
