//! The carevalidate emulation (filled in by the carevalidate issue).

use serde::{Deserialize, Serialize};

use crate::{SandboxRequest, SandboxResponse};

/// Initial carevalidate state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Seed {}

/// Live carevalidate state.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct State {}

impl State {
    pub(crate) fn from_seed(_seed: &Seed) -> State {
        State {}
    }
}

pub(crate) fn handle(_state: &mut State, _req: &SandboxRequest) -> Option<SandboxResponse> {
    None
}
