//! `pirt draft`: prompt files, and writing the model's answers back into a review.

pub mod prompt;
pub mod write;
