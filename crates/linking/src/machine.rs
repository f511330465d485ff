//! The link state machine: every state a link can be in, and the only moves
//! between them. Pure: it decides, the caller stores.
//!
//! ```text
//!  unlinked ──begin──▶ linking ──confirmed──▶ linked ◀──restored── work-account-unavailable
//!      ▲                  │ abandoned            │ access lost ──────────────▶ │
//!      └──────────────────┴── unlinked by the user, by policy, account gone ◀──┘
//! ```

use crate::model::{HistoryEvent, LinkState};

/// What can happen to a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// The user asked to link; the personal account is not proven yet.
    Begin,
    /// The personal account is proven (a sign-in, or a signed-in profile).
    Confirmed,
    /// The personal sign-in failed, was cancelled or never finished.
    Abandoned,
    /// The work account cannot be used for now: its profile signed out, or
    /// its sign-in must be renewed.
    WorkAccessLost,
    /// The work account is usable again.
    WorkAccessRestored,
    /// The user unlinked.
    UnlinkedByUser,
    /// Policy turned linking off.
    PolicyForbids,
    /// The work account is gone: deleted or disabled, its profile deleted, or
    /// the profile signed in to another account.
    WorkAccountGone,
    /// The personal account's data was deleted at the user's request.
    PersonalDataDeleted,
}

/// A move the machine made: the new state, and what the history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub to: LinkState,
    pub records: Option<HistoryEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a link that is {} cannot take {event:?}", from.as_str())]
pub struct ForbiddenTransition {
    pub from: LinkState,
    pub event: LinkEvent,
}

/// The one place that decides how a link moves.
pub fn transition(from: LinkState, event: &LinkEvent) -> Result<Step, ForbiddenTransition> {
    use HistoryEvent as H;
    use LinkEvent as E;
    use LinkState as S;
    let step = |to, records| Ok(Step { to, records });
    match (from, event) {
        (S::Unlinked, E::Begin) => step(S::Linking, None),
        (S::Linking, E::Confirmed) => step(S::Linked, Some(H::Linked)),
        // Nothing was linked yet, so there is nothing to record.
        (S::Linking, E::Abandoned | E::UnlinkedByUser | E::PersonalDataDeleted) => {
            step(S::Unlinked, None)
        }
        (S::Linking, E::PolicyForbids) => step(S::Unlinked, Some(H::UnlinkedByPolicy)),
        (S::Linking, E::WorkAccountGone) => step(S::Unlinked, Some(H::AccountGone)),
        (S::Linked, E::WorkAccessLost) => {
            step(S::WorkAccountUnavailable, Some(H::WorkAccountUnavailable))
        }
        (S::WorkAccountUnavailable, E::WorkAccessRestored) => step(S::Linked, Some(H::Restored)),
        (S::Linked | S::WorkAccountUnavailable, E::UnlinkedByUser) => {
            step(S::Unlinked, Some(H::UnlinkedByUser))
        }
        (S::Linked | S::WorkAccountUnavailable, E::PolicyForbids) => {
            step(S::Unlinked, Some(H::UnlinkedByPolicy))
        }
        (S::Linked | S::WorkAccountUnavailable, E::WorkAccountGone) => {
            step(S::Unlinked, Some(H::AccountGone))
        }
        (S::Linked | S::WorkAccountUnavailable, E::PersonalDataDeleted) => {
            step(S::Unlinked, Some(H::PersonalDataDeleted))
        }
        _ => Err(ForbiddenTransition {
            from,
            event: event.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HistoryEvent as H;
    use LinkEvent as E;
    use LinkState as S;

    const STATES: [LinkState; 4] = [
        S::Unlinked,
        S::Linking,
        S::Linked,
        S::WorkAccountUnavailable,
    ];

    fn events() -> [LinkEvent; 9] {
        [
            E::Begin,
            E::Confirmed,
            E::Abandoned,
            E::WorkAccessLost,
            E::WorkAccessRestored,
            E::UnlinkedByUser,
            E::PolicyForbids,
            E::WorkAccountGone,
            E::PersonalDataDeleted,
        ]
    }

    /// The whole table, written out: every (state, event) pair is here, so a
    /// change to the machine must change this test.
    fn expected(from: LinkState, event: &LinkEvent) -> Option<(LinkState, Option<H>)> {
        Some(match (from, event) {
            (S::Unlinked, E::Begin) => (S::Linking, None),
            (S::Linking, E::Confirmed) => (S::Linked, Some(H::Linked)),
            (S::Linking, E::Abandoned) => (S::Unlinked, None),
            (S::Linking, E::UnlinkedByUser) => (S::Unlinked, None),
            (S::Linking, E::PersonalDataDeleted) => (S::Unlinked, None),
            (S::Linking, E::PolicyForbids) => (S::Unlinked, Some(H::UnlinkedByPolicy)),
            (S::Linking, E::WorkAccountGone) => (S::Unlinked, Some(H::AccountGone)),
            (S::Linked, E::WorkAccessLost) => {
                (S::WorkAccountUnavailable, Some(H::WorkAccountUnavailable))
            }
            (S::Linked, E::UnlinkedByUser) => (S::Unlinked, Some(H::UnlinkedByUser)),
            (S::Linked, E::PolicyForbids) => (S::Unlinked, Some(H::UnlinkedByPolicy)),
            (S::Linked, E::WorkAccountGone) => (S::Unlinked, Some(H::AccountGone)),
            (S::Linked, E::PersonalDataDeleted) => (S::Unlinked, Some(H::PersonalDataDeleted)),
            (S::WorkAccountUnavailable, E::WorkAccessRestored) => (S::Linked, Some(H::Restored)),
            (S::WorkAccountUnavailable, E::UnlinkedByUser) => {
                (S::Unlinked, Some(H::UnlinkedByUser))
            }
            (S::WorkAccountUnavailable, E::PolicyForbids) => {
                (S::Unlinked, Some(H::UnlinkedByPolicy))
            }
            (S::WorkAccountUnavailable, E::WorkAccountGone) => (S::Unlinked, Some(H::AccountGone)),
            (S::WorkAccountUnavailable, E::PersonalDataDeleted) => {
                (S::Unlinked, Some(H::PersonalDataDeleted))
            }
            _ => return None,
        })
    }

    #[test]
    fn every_transition_and_every_forbidden_one() {
        let mut allowed = 0;
        let mut forbidden = 0;
        for from in STATES {
            for event in events() {
                let got = transition(from, &event);
                match expected(from, &event) {
                    Some((to, records)) => {
                        allowed += 1;
                        assert_eq!(got, Ok(Step { to, records }), "{from:?} + {event:?}");
                    }
                    None => {
                        forbidden += 1;
                        assert_eq!(
                            got,
                            Err(ForbiddenTransition {
                                from,
                                event: event.clone()
                            }),
                            "{from:?} + {event:?} must be refused"
                        );
                    }
                }
            }
        }
        assert_eq!((allowed, forbidden), (17, 19));
    }

    #[test]
    fn unlinked_only_begins_and_linked_cannot_begin_again() {
        for event in events() {
            let result = transition(S::Unlinked, &event);
            assert_eq!(result.is_ok(), event == E::Begin, "{event:?}");
        }
        assert!(transition(S::Linked, &E::Begin).is_err());
        assert!(transition(S::WorkAccountUnavailable, &E::Begin).is_err());
    }

    #[test]
    fn losing_access_keeps_the_link_and_the_user_can_still_unlink() {
        let lost = transition(S::Linked, &E::WorkAccessLost).unwrap();
        assert_eq!(lost.to, S::WorkAccountUnavailable);
        let unlinked = transition(lost.to, &E::UnlinkedByUser).unwrap();
        assert_eq!(unlinked.to, S::Unlinked);
        assert_eq!(unlinked.records, Some(H::UnlinkedByUser));
    }

    #[test]
    fn the_error_names_the_state() {
        let error = transition(S::Unlinked, &E::Confirmed).unwrap_err();
        assert!(error.to_string().contains("unlinked"), "{error}");
    }
}
