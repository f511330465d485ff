// How the switcher presents profiles: grouping, labels, search and
// initials, kept apart from the components so they are tested on their own.
import { BROWSER_NAMES, type AccountKind, type BrowserId, type Profile } from "./bindings";
import { t } from "./i18n.svelte";

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

export function kindLabel(kind: AccountKind): string {
  return t(`kind.${kind}`);
}

/** The line under a profile's name: who is signed in. */
export function accountLine(profile: Profile): string {
  const { kind, email, display_name } = profile.account;
  if (kind === "none") return t("kind.none");
  return email ?? display_name ?? kindLabel(kind);
}

/** A stable key for a profile in lists. */
export function profileKey(profile: Profile): string {
  return `${profile.browser}\u0000${profile.user_data_dir}\u0000${profile.profile_dir}`;
}

/** Up to two letters for a profile without a picture: its account's name,
 * else its own name. */
export function initials(profile: Profile): string {
  const source = profile.account.display_name ?? profile.name;
  const words = source.split(/\s+/).filter((word) => /\p{L}|\p{N}/u.test(word));
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0] ?? "?"];
  return letters
    .map((word) => Array.from(word ?? "?").find((c) => /\p{L}|\p{N}/u.test(c)) ?? "?")
    .join("")
    .toLocaleUpperCase();
}

/** Whether a profile matches what was typed: its name, account, browser or
 * kind, ignoring case and accents. */
export function matches(profile: Profile, query: string): boolean {
  const fold = (text: string) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLocaleLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(
    [
      profile.name,
      profile.account.email ?? "",
      profile.account.display_name ?? "",
      BROWSER_NAMES[profile.browser],
      kindLabel(profile.account.kind),
    ].join(" "),
  );
  return words.every((word) => haystack.includes(word));
}
