//! placeholder
#[cfg(feature = "build")]
pub mod build;
pub mod format;
pub mod index;
pub mod stem;
pub mod tokenize;
