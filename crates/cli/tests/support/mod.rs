//! The CLI's tests run the real `tandem` binary on the workspace's one fake
//! machine (`tandem-testkit`).
#![allow(dead_code, unused_imports)]

pub use tandem_testkit::{
    ALICE_KEY, BOB_KEY, CAROL_KEY, WORK_TENANT, files_under, mkfifo, provider,
};

/// A fake machine whose program is the `tandem` binary under test.
pub struct Machine(tandem_testkit::Machine);

impl Machine {
    pub fn new() -> Self {
        Self(tandem_testkit::Machine::new().running(env!("CARGO_BIN_EXE_tandem")))
    }

    pub fn with_keyring_and_provider(self, op: &provider::OidcProvider, user: &str) -> Self {
        Self(self.0.with_keyring_and_provider(op, user))
    }

    /// The locale the programs run in (`LANG`).
    pub fn set_lang(&mut self, lang: &str) {
        self.0.set_env("LANG", lang);
    }

    pub fn set_user(&mut self, user: &str) {
        self.0.set_env("TANDEM_TEST_USER", user);
    }

    /// Links the Edge work profile to the personal profile beside it.
    pub fn link_edge(&self) {
        self.0.ok(&[
            "link",
            "--work",
            "edge:Default",
            "--personal-profile",
            "edge:Profile 1",
        ]);
    }
}

impl std::ops::Deref for Machine {
    type Target = tandem_testkit::Machine;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Machine {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

pub fn keyring_has(service: &str, key: &str) -> bool {
    tandem_testkit::keyring::has(service, key)
}
