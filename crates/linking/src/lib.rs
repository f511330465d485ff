//! Links between a work profile and a personal Microsoft account.
//!
//! - [`machine`]: the state machine, pure.
//! - [`engine`]: reconciliation of links with profiles, policy and sign-in
//!   results, pure.
//! - [`book`]: the persisted links, personal half apart from work half, and
//!   the history.
//! - [`store`] (`tandem-store`): atomic, versioned, locked state files.

pub mod accounts;
pub mod book;
pub mod engine;
pub mod machine;
pub mod model;
pub mod privacy;
pub mod toggle;
pub use tandem_store as store;

pub use book::{
    BrowserPolicy, LinkBook, LinkError, LinkRequest, LinkView, Pending, Reconciliation, Status,
    UnlinkReason, Unlinked,
};
pub use engine::{Observation, WorkSignIn, World, linking_decision};
pub use model::{
    AccountKey, HistoryEntry, HistoryEvent, Link, LinkId, LinkState, PersonalAccount,
    PersonalProof, ProfileRef, WorkAccount,
};
