//! Tandem's identity layer, free of any UI: Microsoft account kinds, what a
//! failed token request means, and a token vault on the OS keyring.
//!
//! Invariant: no token is ever written to a file or a log. Tokens are held in
//! [`Secret`], which prints `[redacted]`, and stored only by [`vault`].

pub mod account;
pub mod config;
pub mod flow;
pub mod loopback;
pub mod oidc;
pub mod refresh;
mod secret;
pub mod vault;

pub use account::{Account, AccountKey, CONSUMER_TENANT_ID, MicrosoftAccountKind};
pub use config::{ConfigError, IdentitySettings};
pub use flow::{DevicePrompt, Provider, SignInError, SignedIn, open_in_browser};
pub use secret::Secret;
pub use vault::{TokenSet, Vault, VaultError};
