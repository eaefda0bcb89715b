//! `handbook`: a static documentation-site generator for the Pirkanmaa
//! family-centre handbook and its operating-model cards.
//!
//! The pipeline, one module per step (see ARCHITECTURE in the team's shared docs):
//! `content` (discover, front matter, library) → `markdown` (HTML, TOC, links) →
//! `render` (Tera theme through borrowed views) → `output` (staging, atomic swap);
//! `site` sequences them and contains no parsing or rendering itself; `serve`
//! is the preview server on top of `site` and `output`.

pub mod changes;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod external;
pub mod feed;
pub mod fsutil;
pub mod fuzzing;
pub mod git;
pub mod i18n;
pub mod markdown;
pub mod new;
pub mod output;
pub mod preview;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod theme;
