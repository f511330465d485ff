//! The tray menu as data, and what its items do: one menu for every tray
//! (the Linux tray process, the app's own tray on macOS and Windows), each
//! only drawing these entries and calling [`perform`]. Linux trays send no
//! click events, so everything is in the menu.

use std::path::PathBuf;

use tandem_i18n::Language;
use tandem_linking::toggle::{ToggleNote, personal_profile_for};
use tandem_linking::{HistoryEvent, UnlinkReason};
use tandem_locations::Locations;
use tandem_profiles::{AccountKind, BrowserId};

use crate::watch::Update;
use crate::{Cancel, Error, Proof, Tandem};

/// What an item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    ToggleLinking,
    OpenProfile {
        browser: BrowserId,
        user_data_dir: PathBuf,
        profile_dir: String,
    },
    OpenTandem,
    Settings,
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayEntry {
    /// A checkable item.
    Switch {
        label: String,
        checked: bool,
        enabled: bool,
        action: TrayAction,
    },
    Item {
        label: String,
        action: TrayAction,
    },
    /// A group's name, not clickable.
    Heading(String),
    Separator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    pub entries: Vec<TrayEntry>,
    pub tooltip: String,
    /// Whether a link is active: the icon shows it.
    pub linked: bool,
}

/// Text from a browser file, fit for a menu: no control or bidi
/// characters (a menu cannot escape them), one short line.
pub fn menu_text(text: &str) -> String {
    menu_line(text, MAX_LABEL_CHARS)
}

/// [`menu_text`], cut at `max` characters.
fn menu_line(text: &str, max: usize) -> String {
    let line = text
        .chars()
        .map(|c| if tandem_text::is_unsafe(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // A menu is a column of short lines: a long name is cut, not a wall.
    if line.chars().count() > max {
        let cut: String = line.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        line
    }
}

/// The longest piece of text from a browser file in one menu line.
pub const MAX_LABEL_CHARS: usize = 48;
/// Policy reasons name a file, so they may be longer.
const MAX_REASON_CHARS: usize = 140;
/// The most profiles of one group the menu lists; the rest are a line that
/// opens the switcher, which lists and searches them all.
pub const MAX_PROFILES_PER_GROUP: usize = 12;

/// The menu for the latest update (none yet: still reading).
pub fn menu(update: Option<&Update>, language: Language) -> TrayMenu {
    let t = |key| language.text(key).to_owned();
    let mut entries = Vec::new();
    let (label, checked, enabled) = match update {
        None => (t("tray.linking_reading"), false, false),
        Some(update) => {
            let view = &update.toggle;
            let label = match &view.note {
                None => t("tray.linking"),
                Some(ToggleNote::NoWorkProfile) => t("tray.linking_no_work_profile"),
                Some(ToggleNote::Off { reason }) => language.format(
                    "tray.linking_off",
                    &[(
                        "reason",
                        &menu_line(&reason.in_language(language), MAX_REASON_CHARS),
                    )],
                ),
                Some(ToggleNote::WorkAccountUnavailable) => t("tray.linking_unavailable"),
                Some(ToggleNote::SigningIn) => t("tray.linking_signing_in"),
                Some(ToggleNote::PersonalDataPaused) => t("tray.linking_paused"),
            };
            (label, view.checked, view.enabled)
        }
    };
    entries.push(TrayEntry::Switch {
        label,
        checked,
        enabled,
        action: TrayAction::ToggleLinking,
    });
    entries.push(TrayEntry::Separator);
    if let Some(update) = update {
        let groups = [
            ("tray.group_work", &[AccountKind::Work][..]),
            ("tray.group_personal", &[AccountKind::Personal][..]),
            (
                "tray.group_other",
                &[AccountKind::Google, AccountKind::None, AccountKind::Unknown][..],
            ),
        ];
        let mut any = false;
        for (heading, kinds) in groups {
            let profiles: Vec<_> = update
                .profiles
                .profiles
                .iter()
                .filter(|profile| kinds.contains(&profile.account.kind))
                .collect();
            if profiles.is_empty() {
                continue;
            }
            any = true;
            entries.push(TrayEntry::Heading(t(heading)));
            let more = profiles.len().saturating_sub(MAX_PROFILES_PER_GROUP);
            for profile in profiles.into_iter().take(MAX_PROFILES_PER_GROUP) {
                entries.push(TrayEntry::Item {
                    label: language.format(
                        "tray.profile",
                        &[
                            ("name", &menu_text(&profile.name)),
                            ("browser", profile.browser.spec().name),
                        ],
                    ),
                    action: TrayAction::OpenProfile {
                        browser: profile.browser,
                        user_data_dir: profile.user_data_dir.clone(),
                        profile_dir: profile.profile_dir.clone(),
                    },
                });
            }
            if more > 0 {
                entries.push(TrayEntry::Item {
                    label: language.format("tray.more_profiles", &[("count", &more.to_string())]),
                    action: TrayAction::OpenTandem,
                });
            }
        }
        if !any {
            entries.push(TrayEntry::Heading(t("tray.no_profiles")));
        }
        entries.push(TrayEntry::Separator);
    }
    entries.push(TrayEntry::Item {
        label: t("tray.open_tandem"),
        action: TrayAction::OpenTandem,
    });
    entries.push(TrayEntry::Item {
        label: t("tray.settings"),
        action: TrayAction::Settings,
    });
    entries.push(TrayEntry::Separator);
    entries.push(TrayEntry::Item {
        label: t("tray.quit"),
        action: TrayAction::Quit,
    });
    let linked = update.is_some_and(|update| update.toggle.checked);
    TrayMenu {
        entries,
        tooltip: t(if linked {
            "tray.tooltip_linked"
        } else {
            "tray.tooltip"
        }),
        linked,
    }
}

/// What a front end does after an item did its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Done,
    /// Show the switcher (to choose a personal account, say).
    ShowSwitcher,
    ShowSettings,
    Quit,
}

/// Does what `action` says, through the core; the front end handles the
/// [`Effect`]. A toggle works on the machine as it is now (it reconciles).
pub fn perform(
    locations: &Locations,
    update: Option<&Update>,
    action: &TrayAction,
) -> Result<Effect, Error> {
    match action {
        TrayAction::ToggleLinking => toggle_linking(locations),
        TrayAction::OpenProfile {
            browser,
            user_data_dir,
            profile_dir,
        } => {
            let snapshot = match update {
                Some(update) => update.profiles.clone(),
                None => crate::profiles::discover(locations),
            };
            crate::profiles::open(locations, &snapshot, *browser, user_data_dir, profile_dir)?;
            Ok(Effect::Done)
        }
        TrayAction::OpenTandem => Ok(Effect::ShowSwitcher),
        TrayAction::Settings => Ok(Effect::ShowSettings),
        TrayAction::Quit => Ok(Effect::Quit),
    }
}

/// Links the current work profile to the personal profile beside it, or
/// unlinks it. Without a personal profile to link, the switcher opens so
/// the person can choose one or sign in.
fn toggle_linking(locations: &Locations) -> Result<Effect, Error> {
    let mut tandem = Tandem::open(locations)?;
    let view = tandem.toggle_view();
    let Some(work) = view.work.clone() else {
        return Ok(Effect::Done);
    };
    if view.checked {
        tandem.unlink(Some(&work), UnlinkReason::AtRequest)?;
        return Ok(Effect::Done);
    }
    match personal_profile_for(tandem.profiles(), &work) {
        Some(personal) => {
            tandem.link(&work, Proof::Profile(personal), &|_| {}, &Cancel::new())?;
            Ok(Effect::Done)
        }
        None => Ok(Effect::ShowSwitcher),
    }
}

/// What to tell the person about `update`: links removed for them, work
/// accounts that became unavailable. Title and body, in `language`.
pub fn notices(update: &Update, language: Language) -> Vec<(String, String)> {
    let mut notices = Vec::new();
    for entry in &update.removed {
        let title = match entry.event {
            HistoryEvent::UnlinkedByPolicy => "notice.unlinked_by_policy",
            HistoryEvent::AccountGone => "notice.account_gone",
            _ => "notice.unlinked",
        };
        notices.push((
            language.text(title).to_owned(),
            language.format(
                "notice.unlinked_body",
                &[
                    (
                        "work",
                        &tandem_linking::model::spoken_profile(&entry.work, None)
                            .in_language(language),
                    ),
                    ("reason", &entry.reason.in_language(language)),
                ],
            ),
        ));
    }
    for entry in &update.unavailable {
        notices.push((
            language.text("notice.unavailable").to_owned(),
            language.format(
                "notice.unavailable_body",
                &[
                    (
                        "work",
                        &tandem_linking::model::spoken_profile(&entry.work, None)
                            .in_language(language),
                    ),
                    ("reason", &entry.reason.in_language(language)),
                ],
            ),
        ));
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_cut() {
        let long = "x".repeat(5000);
        let text = menu_text(&long);
        assert_eq!(text.chars().count(), MAX_LABEL_CHARS);
        assert!(text.ends_with('…'));
        assert_eq!(menu_text("Work"), "Work");
    }

    #[test]
    fn menu_text_is_one_clean_line() {
        assert_eq!(
            menu_text("Work\n\u{202e}evil\u{1b}[2J  x"),
            "Work evil [2J x"
        );
    }

    #[test]
    fn before_the_first_reading_the_menu_says_so_and_still_quits() {
        let menu = menu(None, Language::En);
        assert!(matches!(
            &menu.entries[0],
            TrayEntry::Switch { label, enabled: false, .. } if label.contains("reading")
        ));
        assert!(matches!(
            menu.entries.last(),
            Some(TrayEntry::Item { action: TrayAction::Quit, label }) if label == "Quit"
        ));
        let dutch = super::menu(None, Language::Nl);
        assert!(matches!(
            dutch.entries.last(),
            Some(TrayEntry::Item { label, .. }) if label == "Afsluiten"
        ));
        assert!(!menu.linked);
    }
}
