//! What talks to the terminal: standard streams that survive a reader who left.

#[macro_use]
pub mod stdio;
