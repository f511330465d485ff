//! Browser profiles as values, for tests of what is done with them (links,
//! routing) rather than of reading them.

use tandem_profiles::{Account, AccountKind, BrowserId, Evidence, Profile, Snapshot};

use crate::WORK_TENANT;

/// An Edge profile in folder `dir`, signed in to an account of `kind`.
pub fn edge(dir: &str, kind: AccountKind, email: Option<&str>) -> Profile {
    Profile {
        browser: BrowserId::Edge,
        profile_dir: dir.into(),
        name: dir.into(),
        account: Account {
            kind,
            email: email.map(str::to_owned),
            display_name: Some("Ada".into()),
            tenant_id: match kind {
                AccountKind::Work => Some(WORK_TENANT.into()),
                AccountKind::Personal => Some(crate::CONSUMER_TENANT_ID.into()),
                _ => None,
            },
            evidence: Evidence::TenantId,
        },
        user_data_dir: "/home/user/.config/microsoft-edge".into(),
        last_active: None,
        is_default: false,
        in_last_session: false,
        unreadable: None,
    }
}

/// Edge with a work profile (`Default`, ada@contoso.com), a personal one
/// (`Profile 1`, ada@outlook.com) and one nobody signed in to (`Profile 2`).
pub fn work_and_personal() -> Snapshot {
    Snapshot::new(vec![
        edge("Default", AccountKind::Work, Some("ada@contoso.com")),
        edge("Profile 1", AccountKind::Personal, Some("ada@outlook.com")),
        edge("Profile 2", AccountKind::None, None),
    ])
}

/// `pairs` work profiles and as many personal ones, in Edge.
pub fn pairs(pairs: usize) -> Snapshot {
    let mut profiles = Vec::new();
    for i in 0..pairs {
        profiles.push(edge(
            &format!("Work {i}"),
            AccountKind::Work,
            Some(&format!("w{i}@contoso.com")),
        ));
        profiles.push(edge(
            &format!("Home {i}"),
            AccountKind::Personal,
            Some(&format!("p{i}@outlook.com")),
        ));
    }
    Snapshot::new(profiles)
}
