// Pure helpers for showing links: which profiles can be linked, and how a
// link, a state and a history entry read. Kept apart from components so
// they are unit-tested without a DOM.
import type { HistoryEntry, HistoryEvent, Link, LinkState, Profile, ProfileRef } from "./bindings";
import { language, t } from "./i18n.svelte";

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
  if (!account) return t("links.personal_paused");
  return account.email ?? account.name ?? t("links.personal_account");
}

export function stateLabel(state: LinkState): string {
  return t(`link_state.${state}`);
}

export function eventLabel(event: HistoryEvent): string {
  return t(`history_event.${event}`);
}

export function timeLabel(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(language());
}

/** Newest first, for reading. */
export function newestFirst(entries: HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.time - a.time);
}
