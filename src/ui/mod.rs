//! What talks to the terminal: standard streams that survive a reader who left, the notes
//! and warnings a command prints, the wizard of `pirt new`, and the progress of `pirt draft`.

#[macro_use]
pub mod stdio;
pub mod draft;
pub mod output;
pub mod progress;
pub mod wizard;

pub use output::{ColorChoice, Output};
