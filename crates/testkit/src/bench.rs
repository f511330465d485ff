//! The machine the benches measure: 8 Chromium browsers × 25 profiles, with
//! `Preferences` of 50 KB to 1 MB (250 KB on average), shaped like
//! Chromium's own files and aged an hour, as real profiles are.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tandem_locations::UserRoots;
use tandem_profiles::BrowserId;

use crate::WORK_TENANT;

pub const BROWSERS: [BrowserId; 8] = [
    BrowserId::Edge,
    BrowserId::EdgeBeta,
    BrowserId::EdgeDev,
    BrowserId::Chrome,
    BrowserId::ChromeBeta,
    BrowserId::Chromium,
    BrowserId::Brave,
    BrowserId::Vivaldi,
];
pub const PROFILES_PER_BROWSER: usize = 25;
/// Sizes in KB, cycled: 50 KB to 1 MB, 250 KB on average.
const SIZES_KB: [usize; 10] = [50, 60, 80, 100, 150, 200, 250, 300, 310, 1000];

/// Replaces a file as Chromium does: a temporary file, then a rename.
pub fn replace(path: &Path, text: &str) {
    let temp = path.with_file_name(".bench-tmp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// Real profiles were written long ago; a file written this instant is
/// re-read every time, as its time stamp cannot be trusted yet.
pub fn age(file: &Path) {
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
}

/// Lays the bench machine out under `roots`; every `Preferences` file written.
pub fn build_machine(roots: &UserRoots) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (b, browser) in BROWSERS.iter().enumerate() {
        let dir = browser.spec().user_data_dirs(roots).remove(0);
        let mut cache = serde_json::Map::new();
        for p in 0..PROFILES_PER_BROWSER {
            let name = if p == 0 {
                "Default".to_owned()
            } else {
                format!("Profile {p}")
            };
            cache.insert(
                name.clone(),
                serde_json::json!({"name": format!("Person {p}"), "is_using_default_name": true,
                    "active_time": 1764000000.5 + p as f64, "avatar_icon": "chrome://theme/IDR_PROFILE_AVATAR_26"}),
            );
            let size = SIZES_KB[(b * PROFILES_PER_BROWSER + p) % SIZES_KB.len()] * 1024;
            let file = dir.join(&name).join("Preferences");
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, preferences(size, p, p % 3 != 0)).unwrap();
            age(&file);
            files.push(file);
        }
        let state = serde_json::json!({"profile": {"info_cache": cache, "last_used": "Default"}});
        std::fs::write(dir.join("Local State"), serde_json::to_vec(&state).unwrap()).unwrap();
        age(&dir.join("Local State"));
    }
    files
}

/// A `Preferences` file shaped like Chromium's: keys in sorted order, the
/// account near the top, and most of the bulk in content settings and
/// extension state that Tandem skips.
pub fn preferences(size: usize, seed: usize, signed_in: bool) -> String {
    let mut out = String::with_capacity(size + 4096);
    out.push('{');
    if signed_in {
        out.push_str(&format!(
            r#""account_info":[{{"account_id":"{seed:021}","email":"user{seed}@contoso.com","full_name":"User {seed}","edge_account_tenant_id":"{WORK_TENANT}","edge_account_type":2,"gaia":"{seed:021}","hd":"contoso.com","locale":"en-GB","picture_url":"https://example.invalid/p/{seed}.png","accountcapabilities":{{"accountcapabilities/gi2tklldmfya":1,"accountcapabilities/gu2dqlldmfya":0}}}}],"#
        ));
    } else {
        out.push_str(r#""account_info":[],"#);
    }
    out.push_str(r#""browser":{"has_seen_welcome_page":true,"window_placement":{"bottom":1040,"left":10,"maximized":false,"right":1910,"top":10,"work_area_bottom":1080,"work_area_left":0,"work_area_right":1920,"work_area_top":0}},"#);
    out.push_str(r#""extensions":{"settings":{"#);
    let mut index = 0;
    while out.len() < size / 2 {
        out.push_str(&format!(
            r#""{index:032x}":{{"active_permissions":{{"api":["storage","tabs"],"explicit_host":["https://*.example.com/*"]}},"creation_flags":38,"from_webstore":true,"install_time":"1330{index:014}","location":1,"manifest":{{"name":"Extension \u00e9 {index}","version":"1.{index}.0","description":"A \"quoted\" description with \\ backslashes and unicode \u2603"}},"state":1}},"#
        ));
        index += 1;
    }
    out.push_str(r#""done":{}}},"#);
    out.push_str(r#""profile":{"avatar_index":26,"content_settings":{"exceptions":{"cookies":{"#);
    while out.len() < size.saturating_sub(400) {
        out.push_str(&format!(
            r#""https://site-{index}.example:443,*":{{"last_modified":"13300000000{index:06}","setting":{{"lastEngagementTime":1.3300000000e+16,"pointsAddedToday":{}.5,"rawScore":{}.25}}}},"#,
            index % 7,
            index % 13
        ));
        index += 1;
    }
    out.push_str(&format!(
        r#""end":{{}}}}}}}},"exit_type":"Normal","is_relative_to_aad":{},"name":"Person {seed}"}},"sync":{{"edge_account_type":{},"has_setup_completed":true}}}}"#,
        signed_in,
        if signed_in { 2 } else { 0 }
    ));
    out
}
