// The machine the screenshots show: Ada's laptop, with a work profile in
// Edge linked to her personal account in another Edge profile, a second
// work account in Edge Beta, Chrome with a Google account, and Firefox.
// Every IPC command of every window has an answer here; the sentences Rust
// would word (reasons, notes) are worded as Rust words them, in English.
import type {
  HandlerStatus,
  HistoryEntry,
  Language,
  Link,
  PickRequest,
  Profile,
  Route,
  RuleView,
  RulesReport,
  Said,
  Snapshot,
  Status,
  WizardChoices,
  WizardDone,
} from "../src/lib/bindings";
import { BROWSER_NAMES } from "../src/lib/bindings";
import { profile, said, sampleInfo } from "../src/lib/fixtures";
import { DEFAULT_ANSWERS, sampleHandler, settingsView, type Answer } from "../src/test/machine";

const CONTOSO = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const FABRIKAM = "4a3c2b1d-0e9f-4876-a5b4-c3d2e1f0a9b8";
const CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad";
const EDGE = "/home/ada/.config/microsoft-edge";
const NOW = 1764064800; // 2025-11-25 10:00 UTC

export const work: Profile = profile({
  name: "Contoso",
  is_default: true,
  in_last_session: true,
  last_active: NOW - 300,
  account: {
    kind: "work",
    email: "ada@contoso.com",
    display_name: "Ada Lovelace",
    tenant_id: CONTOSO,
    evidence: { source: "tenant_id" },
  },
});

export const home: Profile = profile({
  name: "Home",
  profile_dir: "Profile 1",
  last_active: NOW - 7200,
  account: {
    kind: "personal",
    email: "ada@outlook.com",
    display_name: "Ada Lovelace",
    tenant_id: CONSUMERS,
    evidence: { source: "tenant_id" },
  },
});

const fabrikam: Profile = profile({
  name: "Fabrikam",
  browser: "edge-beta",
  user_data_dir: "/home/ada/.config/microsoft-edge-beta",
  last_active: NOW - 86400 * 3,
  account: {
    kind: "work",
    email: "ada.lovelace@fabrikam.com",
    display_name: "Ada Lovelace",
    tenant_id: FABRIKAM,
    evidence: { source: "tenant_id" },
  },
});

const chrome: Profile = profile({
  name: "Ada",
  browser: "chrome",
  user_data_dir: "/home/ada/.config/google-chrome",
  is_default: true,
  last_active: NOW - 86400,
  account: {
    kind: "google",
    email: "ada.lovelace@gmail.com",
    display_name: "Ada Lovelace",
    tenant_id: null,
    evidence: { source: "google_sign_in" },
  },
});

const chromeTesting: Profile = profile({
  name: "Testing",
  browser: "chrome",
  profile_dir: "Profile 2",
  user_data_dir: "/home/ada/.config/google-chrome",
  last_active: NOW - 86400 * 20,
});

const firefox: Profile = profile({
  name: "default-release",
  browser: "firefox",
  profile_dir: "/home/ada/.mozilla/firefox/k3x9q2lp.default-release",
  user_data_dir: "/home/ada/.mozilla/firefox",
  is_default: true,
  last_active: NOW - 86400 * 8,
  account: { kind: "none", email: null, display_name: null, tenant_id: null, evidence: { source: "firefox_profile" } },
});

export const snapshot: Snapshot = {
  profiles: [work, home, fabrikam, chrome, chromeTesting, firefox],
  unreadable: [],
};

export const link: Link = {
  id: "5f0c1e2a-8b7d-4c3e-9a1f-2d4e6b8c0a13",
  work: "edge:Default",
  work_account: { tenant_id: CONTOSO, email: "ada@contoso.com" },
  personal_account: {
    account_key: "00000000-0000-0000-4a1b-2c3d4e5f6a7b.9188040d-6c67-4c5b-b112-36a304b66dad",
    email: "ada@outlook.com",
    name: "Ada Lovelace",
    proof: "sign_in",
  },
  personal_profile: "edge:Profile 1",
  state: "linked",
  since: NOW - 86400 * 2,
  reason: null,
};

const BROWSERS = ["edge", "edge-beta", "chrome", "firefox"] as const;

export const status: Status = {
  linking_allowed: true,
  policy_reason: null,
  browsers: BROWSERS.map((browser) => ({ browser, linking_allowed: true, reason: null })),
  links: [link],
  personal_data_restricted: false,
  notices: [],
};

/** Before the wizard: nothing linked, and Edge's policy turns linking off. */
export const forbidden: Status = {
  ...status,
  links: [],
  browsers: status.browsers.map((browser) =>
    browser.browser === "edge"
      ? {
          ...browser,
          linking_allowed: false,
          reason: said("policy.reason.off", {
            name: "LinkedAccountEnabled",
            location: "/etc/opt/edge/policies/managed/contoso.json",
          }),
        }
      : browser,
  ),
};

export const history: HistoryEntry[] = [
  { time: NOW - 86400 * 30, event: "linked", work: "edge:Default", reason: said("link.reason.linked_at_request") },
  {
    time: NOW - 86400 * 12,
    event: "work-account-unavailable",
    work: "edge:Default",
    reason: said("link.reason.sign_in_again", { detail: "AADSTS50173: the grant has expired" }),
  },
  { time: NOW - 86400 * 12 + 1800, event: "restored", work: "edge:Default", reason: said("link.reason.available_again") },
  { time: NOW - 86400 * 2 - 600, event: "unlinked-by-user", work: "edge:Default", reason: said("link.reason.at_request") },
  { time: NOW - 86400 * 2, event: "linked", work: "edge:Default", reason: said("link.reason.linked_at_request") },
];

function rule(layer: RuleView["layer"], pattern: string, target: string, note: Said | null, id = `${layer}:${pattern}`): RuleView {
  return { id, layer, pattern, target, flag: null, note, removable: layer === "user" };
}

const MANAGED = said("rules.origin.policy", {
  policy: "RoutingRules",
  location: "/etc/tandem/policies/managed/contoso.json",
});

export const rules: RulesReport = {
  rules: [
    rule("managed", "*.contoso.com", "work", MANAGED, "managed-1"),
    rule("managed", "contoso.sharepoint.com", "work", MANAGED, "managed-2"),
    rule("user", "github.com", "personal", said("rules.origin.file", { line: "3" }), "user-1"),
    rule("user", "*.fabrikam.com", "edge-beta:Default", said("rules.origin.file", { line: "8" }), "user-2"),
    {
      ...rule("user", "docs.google.com", "chrome:Profile 3", null, "user-3"),
      flag: "profile_missing",
      note: said("rules.flag.profile_gone", { profile: "chrome:Profile 3" }),
    },
    rule("preset", "outlook.live.com", "personal", said("preset.outlook_live_com")),
    rule("preset", "onedrive.live.com", "personal", said("preset.onedrive_live_com")),
    rule("preset", "outlook.office.com", "work", said("preset.outlook_office_com")),
    rule("preset", "myaccount.microsoft.com", "work", said("preset.myaccount_microsoft_com")),
  ],
  fallback: "ask",
  fallback_flag: null,
  unwrap_before_opening: false,
  problems: [],
  file: "/home/ada/.config/tandem/rules.toml",
};

export const handler: HandlerStatus = sampleHandler;

/** A Safe Links address around a SharePoint link no rule decides. */
export const waiting: PickRequest = {
  url: "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fnorthwind.sharepoint.com%2Fsites%2FQ4-planning%2FShared%20Documents%2FBudget.xlsx&data=05%7C02%7Cada%40contoso.com",
  effective_url: "https://northwind.sharepoint.com/sites/Q4-planning/Shared%20Documents/Budget.xlsx",
  site: "northwind.sharepoint.com",
  reason: said("route.reason.unwrapped", {
    reason: said("route.reason.fallback_ask"),
    wrappers: said("said.verbatim", { text: "Safe Links" }),
  }),
};

const WHO: Record<RuleView["layer"], string> = {
  managed: "route.who.managed",
  user: "route.who.user",
  recommended: "route.who.recommended",
  preset: "route.who.preset",
};

/** Where a link would open: the first rule whose host matches, as Rust says it. */
export function route(url: string): Route {
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    throw { code: "not_a_web_link", message: "only web links (http or https) can be opened in a profile" };
  }
  const found = rules.rules.find((candidate) =>
    candidate.pattern.startsWith("*.") ? host.endsWith(candidate.pattern.slice(1)) : host === candidate.pattern,
  );
  const base = { url, effective_url: url, wrappers: [] };
  const profile = found?.target === "work" ? work : found?.target === "personal" ? home : undefined;
  if (!found || !profile) {
    return { ...base, decision: "ask", browser: null, shown: null, profile_dir: null, rule: null, reason: said("route.reason.fallback_ask"), argv: null };
  }
  return {
    ...base,
    decision: "open",
    browser: profile.browser,
    shown: said("said.verbatim", { text: BROWSER_NAMES[profile.browser] }),
    profile_dir: profile.profile_dir,
    rule: { layer: found.layer, id: found.id, pattern: found.pattern },
    reason: said("route.reason.rule_opens", {
      rule: said(WHO[found.layer], { pattern: found.pattern }),
      how: said(found.target === "work" ? "route.how.linked_work" : "route.how.linked_personal", {
        profile: profile.name,
        browser: BROWSER_NAMES[profile.browser],
      }),
    }),
    argv: ["microsoft-edge", `--profile-directory=${profile.profile_dir}`, url],
  };
}

/** A picture for profiles that have one (the browser's avatar), as a data: URL. */
function picture(initial: string, from: string, to: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
    `<rect width="64" height="64" fill="url(#g)"/>` +
    `<text x="32" y="42" font-family="sans-serif" font-size="28" font-weight="700" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

const PICTURES: Record<string, string> = {
  "chrome:Default": picture("A", "#e8710a", "#c5221f"),
  "edge:Profile 1": picture("A", "#2e9e5b", "#1d6b3a"),
};

const signedIn = { key: link.personal_account!.account_key!, email: "ada@outlook.com", name: "Ada Lovelace" };

/** Every command the windows call, answered for `language`; `overrides` for a scene. */
export function answers(language: Language, overrides: Record<string, Answer> = {}): Record<string, Answer> {
  let settings = settingsView(language, { chosen_language: language, autostart: true });
  return {
    ...DEFAULT_ANSWERS,
    app_info: () => sampleInfo,
    app_settings: () => settings,
    list_profiles: () => snapshot,
    link_status: () => status,
    link_history: () => history,
    profile_picture: (args) => PICTURES[`${String(args["browser"])}:${String(args["profileDir"])}`] ?? null,
    handler_status: () => handler,
    routing_rules: () => rules,
    test_route: (args) => route(String(args["url"])),
    waiting_link: () => waiting,
    open_link_in: () => null,
    dismiss_link: () => null,
    open_profile: () => null,
    show_window: () => null,
    close_window: () => null,
    link_profile: () => link,
    link_with_sign_in: () => link,
    cancel_sign_in: () => true,
    unlink_profile: () => history[history.length - 1],
    export_personal_data: () => "/home/ada/Documents/tandem-personal-data.json",
    delete_personal_data: () => ({ ...status, links: [] }),
    restrict_personal_data: (args) => ({ ...status, personal_data_restricted: Boolean(args["restricted"]) }),
    remove_all_data: () => null,
    add_rule: (args) => rule("user", String(args["pattern"]), String(args["target"]), null, "user-4"),
    remove_rule: (args) => rules.rules.find((candidate) => candidate.id === args["id"])?.pattern ?? "",
    set_fallback: () => null,
    set_unwrap_before_opening: () => null,
    set_link_handler: (args) => ({ ...handler, registered: Boolean(args["on"]), desktop_entry: "dev.tandem.Tandem.desktop" }),
    set_language: (args) => {
      const chosen = (args["language"] as Language | null) ?? null;
      settings = { ...settings, language: chosen ?? language, chosen_language: chosen };
      return settings;
    },
    set_autostart: (args) => (settings = { ...settings, autostart: Boolean(args["on"]) }),
    wizard_sign_in: () => signedIn,
    wizard_finish: (args): WizardDone => {
      const choices = args["choices"] as WizardChoices;
      return { link, link_handler: choices.link_handler, autostart: choices.autostart };
    },
    wizard_cancel: () => null,
    wizard_skip: () => null,
    ...overrides,
  };
}

/** What differs in a scene: the wizard runs before anything is linked. */
export function sceneAnswers(window: string, scene: string): Record<string, Answer> {
  if (window !== "wizard") return {};
  const before: Status = { ...status, links: [] };
  return {
    link_status: () => (scene === "policy-forbidden" ? forbidden : before),
    link_history: () => [],
  };
}
