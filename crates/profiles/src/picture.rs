//! The picture a browser shows for a profile: Chromium-family browsers keep
//! the signed-in account's picture in the profile folder. Read like every
//! browser file (regular files only, capped), and only when it is a PNG or
//! a JPEG.

use crate::catalogue::Family;
use crate::model::Profile;
use crate::read::read_picture;

/// The file names browsers give the account picture, newest first.
const NAMES: [&str; 2] = ["Edge Profile Picture.png", "Google Profile Picture.png"];
/// Account pictures are small; a larger file is not one.
pub const MAX_PICTURE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// What the bytes are, if an image Tandem shows.
fn mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// The profile's own picture, if its browser keeps one.
pub fn picture(profile: &Profile) -> Option<Picture> {
    if profile.browser.spec().family != Family::Chromium {
        return None;
    }
    let folder = profile.user_data_dir.join(&profile.profile_dir);
    // A picture is the browser's own file: a link leading out of the
    // browser's folder (to another user's file, another app's) is not one.
    let home = std::fs::canonicalize(&profile.user_data_dir).ok()?;
    NAMES.iter().find_map(|name| {
        let file = folder.join(name);
        if !std::fs::canonicalize(&file).ok()?.starts_with(&home) {
            return None;
        }
        let bytes = read_picture(&file, MAX_PICTURE_BYTES)?;
        Some(Picture {
            mime: mime(&bytes)?,
            bytes,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_out_of_the_browsers_folder_is_not_a_picture() {
        let root = tempfile::tempdir().unwrap();
        let edge = root.path().join("microsoft-edge");
        std::fs::create_dir_all(edge.join("Default")).unwrap();
        std::fs::create_dir_all(edge.join("Profile 1")).unwrap();
        let png = b"\x89PNG\r\n\x1a\nsecret";
        let outside = root.path().join("outside.png");
        std::fs::write(&outside, png).unwrap();
        std::os::unix::fs::symlink(&outside, edge.join("Default/Edge Profile Picture.png"))
            .unwrap();
        // A link within the browser's folder is the browser's own doing.
        std::fs::write(edge.join("Profile 1/pic.png"), png).unwrap();
        std::os::unix::fs::symlink(
            edge.join("Profile 1/pic.png"),
            edge.join("Profile 1/Google Profile Picture.png"),
        )
        .unwrap();
        let profile = |dir: &str| Profile {
            browser: crate::BrowserId::Edge,
            user_data_dir: edge.clone(),
            profile_dir: dir.into(),
            name: dir.into(),
            account: crate::model::Account::nobody(crate::model::Evidence::NoAccount),
            last_active: None,
            is_default: false,
            in_last_session: false,
            unreadable: None,
        };
        assert_eq!(picture(&profile("Default")), None);
        assert_eq!(picture(&profile("Profile 1")).unwrap().mime, "image/png");
    }

    #[test]
    fn only_pngs_and_jpegs_are_pictures() {
        assert_eq!(mime(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(mime(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(mime(b"<svg onload=alert(1)>"), None);
        assert_eq!(mime(b""), None);
    }
}
