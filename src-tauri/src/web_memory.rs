//! WebKitGTK tuned for a small utility window rather than a browser: Tandem's
//! pages are a few kilobytes from its own bundle, so the caches a browser
//! keeps for fast back-and-forth navigation only cost memory here. The
//! issue's target is the switcher open under 200 MiB PSS in all; see
//! `ARCHITECTURE.md` (Memory) for the figures with and without this.

#[cfg(target_os = "linux")]
mod linux {
    use webkit2gtk::{
        CacheModel, MemoryPressureSettings, SettingsExt, WebContextExt, WebViewExt,
        WebsiteDataManager,
    };

    /// Before the first web view: the network process releases its caches
    /// early (it serves no network here, only Tandem's own bundle).
    pub fn before_first_webview() {
        let mut settings = MemoryPressureSettings::new();
        settings.set_memory_limit(32);
        settings.set_conservative_threshold(0.2);
        settings.set_strict_threshold(0.4);
        WebsiteDataManager::set_memory_pressure_settings(&mut settings);
    }

    /// WebKit, JavaScriptCore, GTK and glibc read these settings
    /// (`tandem_locations::window_process_env`) only from the environment,
    /// and only before their first use (switching a live view to no
    /// compositing breaks its snapshots): the process starts itself again
    /// with them set, keeping its arguments (`exec` keeps the process id, so
    /// a launcher waiting on it sees nothing). A variable the person set is
    /// left as it is.
    pub fn restart_with_window_env() {
        if !tandem_locations::window_env_restart_needed(|name| std::env::var_os(name)) {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        let mut command = std::process::Command::new(program);
        command.args(std::env::args_os().skip(1));
        tandem_locations::for_the_window_process(&mut command);
        use std::os::unix::process::CommandExt;
        let error = command.exec();
        // Only a failed exec returns: go on as is, which costs memory only.
        eprintln!("tandem: cannot restart with the window's settings ({error}); going on");
    }

    /// A new window's web view: no page cache, the smallest cache model, no
    /// WebGL: a page of text and buttons needs none of them.
    pub fn tune<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
        let tuned = window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_page_cache(false);
                settings.set_enable_webgl(false);
            }
        });
        if let Err(error) = tuned {
            tracing::debug!("cannot tune the web view: {error}");
        }
    }
}

#[cfg(target_os = "linux")]
pub use linux::{before_first_webview, restart_with_window_env, tune};

#[cfg(not(target_os = "linux"))]
pub fn restart_with_window_env() {}

#[cfg(not(target_os = "linux"))]
pub fn before_first_webview() {}

#[cfg(not(target_os = "linux"))]
pub fn tune<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}
