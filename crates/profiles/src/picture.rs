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
    NAMES.iter().find_map(|name| {
        let bytes = read_picture(&folder.join(name), MAX_PICTURE_BYTES)?;
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
    fn only_pngs_and_jpegs_are_pictures() {
        assert_eq!(mime(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(mime(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(mime(b"<svg onload=alert(1)>"), None);
        assert_eq!(mime(b""), None);
    }
}
