//! The action types the parlay slip sends: the server's handlers (`actions`) and the page's
//! live slip (`ui::live_slip`) name them from here.

/// Sync: the stake field changed (form submit). Payload `{key}` + form field `stake`.
pub const SET_STAKE: &str = "parlay.set_stake";
/// Sync: drop one leg. Payload `{key, leg}` (0-based index).
pub const REMOVE_LEG: &str = "parlay.remove_leg";
/// Streamed: place the bet. Payload `{key, slip}` + form field `stake`.
pub const LOCK_IN: &str = "parlay.lock_in";
