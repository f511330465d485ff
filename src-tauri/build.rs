include!("src/command_names.rs");

fn main() {
    // The embedded UI is built by `npm run build` (the Makefile does it first).
    // Without it the context macro fails with an obscure error, so make the
    // folder exist and say what is missing instead.
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        println!(
            "cargo:warning=ui/dist/index.html is missing: run `make ui` so the app has a UI to show"
        );
        std::fs::create_dir_all(dist).expect("create ui/dist");
    }
    let attributes = tauri_build::Attributes::new()
        // The one config lives at the repository root, beside the workspace.
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMAND_NAMES));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
