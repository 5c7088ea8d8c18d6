//! Parts of the instance view that grew past one file's worth.

pub mod actions;
