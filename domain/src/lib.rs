//! Bianmin's domain: the types and rules shared by the browser app and the server.
//!
//! No I/O lives here, so the same code decides in both places (the server never
//! trusts what the browser checked; it runs the same functions again).

pub mod api;
pub mod bundle;
pub mod calendar;
pub mod case;
pub mod case_view;
pub mod catalog;
pub mod check;
pub mod check_bundle;
mod check_situation;
pub mod checklist;
pub mod date;
pub mod files;
#[cfg(test)]
mod fixtures;
pub mod form;
pub mod identity;
pub mod reference;
pub mod search;
pub mod situation;
pub mod submission;
pub mod upload;

pub use catalog::*;
