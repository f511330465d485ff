//! Tandem's windows, by typed label. A closed window is destroyed, not hidden,
//! so its webview gives its memory back; showing it again builds it anew from
//! its definition in `tauri.conf.json`.

use tandem_i18n::Language;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowId {
    Switcher,
    /// Asks which profile opens a link no rule decides.
    Picker,
    Settings,
    /// The first-run wizard.
    Wizard,
}

impl WindowId {
    /// The label in `tauri.conf.json` and in the capability files.
    pub const fn label(self) -> &'static str {
        match self {
            WindowId::Switcher => "switcher",
            WindowId::Picker => "picker",
            WindowId::Settings => "settings",
            WindowId::Wizard => "wizard",
        }
    }

    pub const ALL: [WindowId; 4] = [
        WindowId::Switcher,
        WindowId::Picker,
        WindowId::Settings,
        WindowId::Wizard,
    ];

    /// The window's title, in `language`.
    pub fn title(self, language: Language) -> &'static str {
        language.text(&format!("window.{}", self.label()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    #[error("the {0:?} window is not defined in tauri.conf.json (a bug in this build)")]
    NotConfigured(&'static str),
    #[error("cannot open the window: {0}")]
    Tauri(#[from] tauri::Error),
}

/// Brings the window to the front, creating it if it is closed.
pub fn show<R: Runtime>(app: &AppHandle<R>, id: WindowId) -> Result<WebviewWindow<R>, WindowError> {
    if let Some(window) = app.get_webview_window(id.label()) {
        // Each step is best effort: a window manager may refuse focus, and the
        // window is still usable.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return Ok(window);
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == id.label())
        .ok_or(WindowError::NotConfigured(id.label()))?
        .clone();
    let language = app.state::<AppState>().language();
    let window = WebviewWindowBuilder::from_config(app, &config)?
        .title(id.title(language))
        .build()?;
    crate::web_memory::tune(&window);
    tracing::debug!(label = id.label(), "window created");
    Ok(window)
}

/// Closes the window, if it is open (destroying it, so its web view ends).
pub fn close<R: Runtime>(app: &AppHandle<R>, id: WindowId) {
    if let Some(window) = app.get_webview_window(id.label())
        && let Err(error) = window.destroy()
    {
        tracing::debug!(label = id.label(), "cannot close the window: {error}");
    }
}

/// Retitles the open windows after the person chose another language.
pub fn retitle<R: Runtime>(app: &AppHandle<R>, language: Language) {
    for id in WindowId::ALL {
        if let Some(window) = app.get_webview_window(id.label())
            && let Err(error) = window.set_title(id.title(language))
        {
            tracing::debug!(label = id.label(), "cannot retitle the window: {error}");
        }
    }
}
