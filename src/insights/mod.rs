//! Views across many reviews: statistics, action items, charts and the static site.

pub mod actions;
pub mod charts;
pub mod site;
pub mod stats;
