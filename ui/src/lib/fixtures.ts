// Sample IPC results for the UI's unit tests.
import type { AppInfo, Link, Part, Profile, Said, Snapshot, Status } from "./bindings";

/** A sentence as the core sends it: its catalogue key and parameters. */
export function said(key: string, params: Record<string, Part> = {}): Said {
  return { key, params };
}

export const sampleInfo: AppInfo = {
  name: "Tandem",
  version: "0.1.0",
  locations: {
    home: "/home/ada",
    config_dir: "/home/ada/.config/tandem",
    data_dir: "/home/ada/.local/share/tandem",
    cache_dir: "/home/ada/.cache/tandem",
    log_dir: "/home/ada/.local/state/tandem/logs",
    system_root: "/",
  },
};

export function profile(overrides: Partial<Profile> & Pick<Profile, "name">): Profile {
  return {
    browser: "edge",
    profile_dir: "Default",
    user_data_dir: "/home/ada/.config/microsoft-edge",
    last_active: null,
    is_default: false,
    in_last_session: false,
    unreadable: null,
    account: {
      kind: "none",
      email: null,
      display_name: null,
      tenant_id: null,
      evidence: { source: "no_account" },
    },
    ...overrides,
  };
}

export const workProfile = profile({
  name: "Ada Lovelace",
  is_default: true,
  account: {
    kind: "work",
    email: "ada@contoso.com",
    display_name: "Ada Lovelace",
    tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    evidence: { source: "tenant_id" },
  },
});

export const personalProfile = profile({
  name: "Home",
  profile_dir: "Profile 1",
  account: {
    kind: "personal",
    email: "ada@outlook.com",
    display_name: null,
    tenant_id: "9188040d-6c67-4c5b-b112-36a304b66dad",
    evidence: { source: "tenant_id" },
  },
});

export const chromeProfile = profile({
  name: "Person 1",
  browser: "chrome",
  user_data_dir: "/home/ada/.config/google-chrome",
});

export const sampleSnapshot: Snapshot = {
  profiles: [workProfile, personalProfile, chromeProfile],
  unreadable: [],
};

export const sampleStatus: Status = {
  linking_allowed: true,
  policy_reason: null,
  browsers: [],
  links: [],
  personal_data_restricted: false,
  notices: [],
};

export const sampleLink: Link = {
  id: "0123",
  work: "edge:Default",
  work_account: { tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47", email: "ada@contoso.com" },
  personal_account: { account_key: null, email: "ada@outlook.com", name: null, proof: "profile" },
  personal_profile: "edge:Profile 1",
  state: "linked",
  since: 1764000000,
  reason: null,
};
