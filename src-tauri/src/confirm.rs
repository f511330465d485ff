//! Confirmation of irreversible actions that the web view cannot forge: a
//! native dialog shown from Rust, outside the web view, which a script in
//! the page can neither answer nor suppress. An IPC call alone never deletes.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use tandem_i18n::Language;

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
    /// Title, body and confirming button, in `language`.
    fn texts(self, language: Language) -> (&'static str, &'static str, String) {
        let key = match self {
            Question::DeletePersonalData => "confirm.delete",
            Question::RemoveAllData => "confirm.remove_all",
        };
        (
            language.text(&format!("{key}.title")),
            language.text(&format!("{key}.body")),
            button(language.text(&format!("{key}.button"))),
        )
    }
}

/// Asks the person, and waits for the answer off the main thread (the
/// dialog itself runs on it). Anything but the confirming button is a no.
pub async fn ask<R: Runtime>(app: &AppHandle<R>, question: Question) -> bool {
    let state = app.state::<AppState>();
    match state.confirmer {
        Confirmer::NativeDialog => {
            let language = state.language();
            let (title, body, confirm) = question.texts(language);
            let mut dialog = app
                .dialog()
                .message(body)
                .title(title)
                .kind(MessageDialogKind::Warning)
                .buttons(MessageDialogButtons::OkCancelCustom(
                    confirm,
                    language.text("common.cancel").to_owned(),
                ));
            // Over the window that asked: the settings, where these actions live.
            if let Some(window) = [WindowId::Settings, WindowId::Switcher]
                .into_iter()
                .find_map(|id| app.get_webview_window(id.label()))
            {
                dialog = dialog.parent(&window);
            }
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_show())
                .await
                .unwrap_or(false)
        }
        Confirmer::Answer(answer) => answer,
    }
}
