//! The emulated vendors. Each module owns its seed, its state and its routes; routes are
//! disjoint by path, so dispatch asks each in turn.

pub mod careportals;
pub mod carevalidate;
pub mod decoda;

use crate::{SandboxRequest, SandboxResponse};

/// The state of every emulated vendor.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct State {
    /// CarePortals.
    pub careportals: careportals::State,
    /// CareValidate.
    pub carevalidate: carevalidate::State,
    /// Decoda.
    pub decoda: decoda::State,
}

impl State {
    pub(crate) fn from_seed(seed: &crate::Seed) -> State {
        State {
            careportals: careportals::State::from_seed(&seed.careportals),
            carevalidate: carevalidate::State::from_seed(&seed.carevalidate),
            decoda: decoda::State::from_seed(&seed.decoda),
        }
    }

    /// The webhook events produced while handling the last request, to deliver.
    pub(crate) fn take_events(&mut self) -> Vec<crate::webhooks::Outgoing> {
        let mut events = self.decoda.take_events();
        events.extend(self.carevalidate.take_events());
        events
    }
}

pub(crate) fn dispatch(state: &mut State, req: &SandboxRequest) -> Option<SandboxResponse> {
    careportals::handle(&mut state.careportals, req)
        .or_else(|| carevalidate::handle(&mut state.carevalidate, req))
        .or_else(|| decoda::handle(&mut state.decoda, req))
}
