//! Confirmation of irreversible actions that the web view cannot forge: a
//! native dialog shown from Rust, outside the web view, which a script in
//! the page can neither answer nor suppress. An IPC call alone never deletes.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::state::{AppState, Confirmer};
use crate::windows::WindowId;

/// An irreversible action to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    DeletePersonalData,
    RemoveAllData,
}

/// A mnemonic on the confirming button (Alt+letter) for GTK; elsewhere the
/// underscore would show.
fn button(label: &str) -> String {
    if cfg!(target_os = "linux") {
        format!("_{label}")
    } else {
        label.to_owned()
    }
}

impl Question {
    fn texts(self) -> (&'static str, &'static str, String) {
        match self {
            Question::DeletePersonalData => (
                "Delete your personal data?",
                "Tandem deletes your personal account's sign-in and every link that needs it. \
                 This cannot be undone. Your browsers' own files are not touched.",
                button("Delete"),
            ),
            Question::RemoveAllData => (
                "Remove all Tandem data?",
                "Tandem removes its settings, links, history, logs, keyring entries, and its \
                 start-at-sign-in and link-handler settings, then quits. This cannot be undone. \
                 Your browsers' own files are not touched.",
                button("Remove and quit"),
            ),
        }
    }
}

/// Asks the person, and waits for the answer off the main thread (the
/// dialog itself runs on it). Anything but the confirming button is a no.
pub async fn ask<R: Runtime>(app: &AppHandle<R>, question: Question) -> bool {
    let confirmer = app.state::<AppState>().confirmer;
    match confirmer {
        Confirmer::NativeDialog => {
            let (title, body, confirm) = question.texts();
            let mut dialog = app
                .dialog()
                .message(body)
                .title(title)
                .kind(MessageDialogKind::Warning)
                .buttons(MessageDialogButtons::OkCancelCustom(
                    confirm,
                    "Cancel".to_owned(),
                ));
            if let Some(window) = app.get_webview_window(WindowId::Switcher.label()) {
                dialog = dialog.parent(&window);
            }
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_show())
                .await
                .unwrap_or(false)
        }
        Confirmer::Answer(answer) => answer,
    }
}
