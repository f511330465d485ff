// The sample machine the windows' unit tests run on: what each IPC command
// answers when a test does not say otherwise. Pure data (no test runner), so
// the screenshot stage (ui/screenshots) builds its machine on it too.
import type { HandlerStatus, Language, RulesReport, SettingsView } from "../lib/bindings";
import { said, sampleInfo, sampleSnapshot, sampleStatus } from "../lib/fixtures";

/** What the fake backend answers to one command, given its arguments. */
export type Answer = (args: Record<string, unknown>) => unknown;

export function settingsView(language: Language = "en", overrides: Partial<SettingsView> = {}): SettingsView {
  return { language, chosen_language: null, onboarded: true, autostart: false, ...overrides };
}

export const sampleHandler: HandlerStatus = {
  registered: false,
  desktop_entry: null,
  program: null,
  program_exists: false,
  previous: "firefox.desktop",
  replaced_since: false,
};

export const sampleRules: RulesReport = {
  rules: [
    {
      id: "preset:outlook.live.com",
      layer: "preset",
      pattern: "outlook.live.com",
      target: "personal",
      flag: null,
      note: said("preset.outlook_live_com"),
      removable: false,
    },
    {
      id: "preset:outlook.office.com",
      layer: "preset",
      pattern: "outlook.office.com",
      target: "work",
      flag: null,
      note: said("preset.outlook_office_com"),
      removable: false,
    },
  ],
  fallback: "as-before",
  fallback_flag: null,
  unwrap_before_opening: false,
  problems: [],
  file: "/home/ada/.config/tandem/rules.toml",
};

/** What a machine answers when a test does not say otherwise. */
export const DEFAULT_ANSWERS: Record<string, Answer> = {
  app_info: () => sampleInfo,
  app_settings: () => settingsView(),
  list_profiles: () => sampleSnapshot,
  link_status: () => sampleStatus,
  link_history: () => [],
  profile_picture: () => null,
  handler_status: () => sampleHandler,
  routing_rules: () => sampleRules,
  show_window: () => null,
  close_window: () => null,
  open_profile: () => null,
};
