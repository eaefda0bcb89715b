//! Full-text search: built with tantivy at build time, exported as static
//! files the browser loads piece by piece, and answered from the same index by
//! `handbook search`. `analyze` is the Finnish analysis, `engine` the tantivy
//! index and ranking, `export` the static files, `excerpt` the result text.

pub mod analyze;
pub mod cli;
pub mod engine;
pub mod excerpt;
pub mod expand;
pub mod export;
pub mod input;

pub use engine::{Hit, SearchIndex};
pub use input::PageMeta;
