//! macOS: an app handles web links by declaring the `http` and `https` URL
//! schemes (and HTML documents, which the system asks of a browser) in its
//! bundle's `Info.plist`; the person then picks it as the default browser
//! in System Settings, which is opened on that page. The link reaches the
//! app as an "open URLs" event (Tauri's `RunEvent::Opened`), not as an
//! argument. `src-tauri/Info.plist` is this file, checked by a test; Tauri's
//! bundler merges the `Info.plist` beside the configuration it builds with
//! (`scripts/bundle` builds from `src-tauri/`).

/// System Settings › Desktop & Dock, where the default web browser is chosen.
pub const SETTINGS_PAGE: &str = "x-apple.systempreferences:com.apple.Desktop-Settings.extension";

/// The `Info.plist` entries Tauri merges into the app bundle's own.
pub fn info_plist() -> String {
    let mut plist = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" ",
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n",
        "<plist version=\"1.0\">\n<dict>\n",
        "\t<key>CFBundleURLTypes</key>\n\t<array>\n\t\t<dict>\n",
        "\t\t\t<key>CFBundleURLName</key>\n\t\t\t<string>Web link</string>\n",
        "\t\t\t<key>CFBundleTypeRole</key>\n\t\t\t<string>Viewer</string>\n",
        "\t\t\t<key>CFBundleURLSchemes</key>\n\t\t\t<array>\n",
    ));
    for scheme in ["http", "https"] {
        plist.push_str(&format!("\t\t\t\t<string>{scheme}</string>\n"));
    }
    plist.push_str(concat!(
        "\t\t\t</array>\n\t\t</dict>\n\t</array>\n",
        "\t<key>CFBundleDocumentTypes</key>\n\t<array>\n\t\t<dict>\n",
        "\t\t\t<key>CFBundleTypeName</key>\n\t\t\t<string>Web page</string>\n",
        "\t\t\t<key>CFBundleTypeRole</key>\n\t\t\t<string>Viewer</string>\n",
        "\t\t\t<key>LSHandlerRank</key>\n\t\t\t<string>Alternate</string>\n",
        "\t\t\t<key>LSItemContentTypes</key>\n\t\t\t<array>\n",
        "\t\t\t\t<string>public.html</string>\n",
        "\t\t\t\t<string>public.xhtml</string>\n",
        "\t\t\t</array>\n\t\t</dict>\n\t</array>\n",
        "</dict>\n</plist>\n",
    ));
    plist
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_declares_the_web_schemes() {
        let plist = info_plist();
        assert!(plist.contains("<key>CFBundleURLSchemes</key>"));
        assert!(
            plist.contains("<string>http</string>") && plist.contains("<string>https</string>")
        );
        // Well formed: every opened element is closed.
        for element in ["dict", "array", "plist"] {
            let opened = plist.matches(&format!("<{element}")).count();
            let closed = plist.matches(&format!("</{element}>")).count();
            assert_eq!(opened, closed, "{element}");
        }
    }

    #[test]
    fn the_app_bundle_ships_exactly_this_plist() {
        let shipped =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/Info.plist");
        let text = std::fs::read_to_string(&shipped).unwrap_or_default();
        assert_eq!(
            text,
            info_plist(),
            "src-tauri/Info.plist is stale: write the output of \
             tandem_footprint::handler::macos::info_plist() there"
        );
    }
}
