//! WebKitGTK tuned for a small utility window rather than a browser: Tandem's
//! pages are a few kilobytes from its own bundle, so the caches a browser
//! keeps for fast back-and-forth navigation only cost memory here. The
//! issue's target is the switcher open under 200 MB PSS in all; see
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

    /// What the window process needs in its environment to draw a page of
    /// text without the GPU, and so without loading the GL driver (Mesa's,
    /// with LLVM, is ~17 MiB a process) in this process at all:
    ///
    /// - no accelerated compositing (the web process paints into shared
    ///   memory, which this process shows as a picture);
    /// - GTK uses no GL for its own windows;
    /// - no DMA-BUF renderer, and a render device named up front: otherwise
    ///   this process opens an EGL display only to find the GPU's device
    ///   file for the web process (which still opens its own, and needs it).
    pub(super) fn without_gpu() -> Vec<(&'static str, String)> {
        let render_device = std::fs::read_dir("/dev/dri")
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with("renderD"))
            })
            .min()
            // The web process falls back to its own display when the
            // device cannot be opened; an empty name is read as "ask EGL".
            .map_or_else(|| "/dev/null".to_owned(), |path| path.display().to_string());
        vec![
            ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_owned()),
            ("GDK_GL", "disable".to_owned()),
            ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_owned()),
            ("WEBKIT_WEB_RENDER_DEVICE_FILE", render_device),
        ]
    }

    /// WebKit and GTK read these settings only from the environment, and
    /// only before their first use (switching a live view to no
    /// compositing breaks its snapshots): the process starts itself again
    /// with them set, keeping its arguments (`exec` keeps the process id, so
    /// a launcher waiting on it sees nothing). A variable the person set is
    /// left as it is.
    pub fn restart_without_gpu() {
        let missing: Vec<_> = without_gpu()
            .into_iter()
            .filter(|(name, _)| std::env::var_os(name).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        use std::os::unix::process::CommandExt;
        // Listed, so that the browsers Tandem starts get the person's own.
        let added: Vec<&str> = missing.iter().map(|(name, _)| *name).collect();
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env(tandem_locations::ADDED_ENV, added.join(","))
            .envs(missing)
            .exec();
        // Only a failed exec returns: go on with the GPU, which costs memory only.
        eprintln!("tandem: cannot restart without the GPU ({error}); going on");
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
pub use linux::{before_first_webview, restart_without_gpu, tune};

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn what_the_app_adds_is_taken_back_for_the_browsers_it_starts() {
        for (name, _) in super::linux::without_gpu() {
            assert!(
                tandem_locations::ADDABLE_ENV.contains(&name),
                "{name} would reach the browsers Tandem starts"
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn restart_without_gpu() {}

#[cfg(not(target_os = "linux"))]
pub fn before_first_webview() {}

#[cfg(not(target_os = "linux"))]
pub fn tune<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}
