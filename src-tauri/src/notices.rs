//! Desktop notifications for what the person did not do themselves: a link
//! removed by policy or because its work account is gone, a work account
//! that became unavailable. Where none can be shown, the log keeps it.

use tandem_api::watch::Update;
use tandem_linking::HistoryEvent;
use tauri::{AppHandle, Manager, Runtime};

/// Tells the person what `update` did for them.
pub fn tell<R: Runtime>(app: &AppHandle<R>, update: &Update) {
    for entry in &update.removed {
        let title = match entry.event {
            HistoryEvent::UnlinkedByPolicy => "Your organization turned account linking off",
            HistoryEvent::AccountGone => "The work account of a link is gone",
            _ => "A link was removed",
        };
        notify(
            app,
            title,
            &format!("{} was unlinked: {}.", entry.work, entry.reason),
        );
    }
    for entry in &update.unavailable {
        notify(
            app,
            "A work account is unavailable",
            &format!(
                "{}: {}. The link stays; you can still unlink it.",
                entry.work, entry.reason
            ),
        );
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    tracing::info!("{title}");
    tracing::debug!("{body}");
    let Some(notifications) = app.try_state::<tauri_plugin_notification::Notification<R>>() else {
        return;
    };
    if let Err(error) = notifications.builder().title(title).body(body).show() {
        tracing::warn!("cannot show a notification: {error}");
    }
}
