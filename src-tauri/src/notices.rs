//! Desktop notifications for what the person did not do themselves: a link
//! removed by policy or because its work account is gone, a work account
//! that became unavailable. Worded by the core, in the person's language;
//! where none can be shown, the log keeps it. Only where the app is the
//! long-running process (on Linux the tray process tells these).

use tandem_api::watch::Update;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

/// Tells the person what `update` did for them.
pub fn tell<R: Runtime>(app: &AppHandle<R>, update: &Update) {
    let Ok(locations) = app.state::<AppState>().locations().cloned() else {
        return;
    };
    let language = tandem_api::settings::language(&locations);
    for (title, body) in tandem_api::tray::notices(update, language) {
        tracing::info!("{title}");
        tracing::debug!("{body}");
        let Some(notifications) = app.try_state::<tauri_plugin_notification::Notification<R>>()
        else {
            return;
        };
        if let Err(error) = notifications.builder().title(&title).body(&body).show() {
            tracing::warn!("cannot show a notification: {error}");
        }
    }
}
