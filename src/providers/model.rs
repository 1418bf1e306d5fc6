//! The plain data providers return is the betting model's (`crate::betting`): providers build
//! it from their wire formats. Re-exported here so provider code names what it builds.

pub use crate::betting::board::*;
pub use crate::betting::feeds::*;
pub use crate::betting::market::Market;
pub use crate::betting::names::{normalize_name, team_matches};
pub use crate::betting::sport::Sport;
