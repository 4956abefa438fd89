//! Bianmin's domain: the types and rules shared by the browser app and the server.
//!
//! No I/O lives here, so the same code decides in both places (the server never
//! trusts what the browser checked; it runs the same functions again). The
//! modules follow the applicant's journey — catalog → apply → case — with what
//! all stages share at the top.

pub mod account;
pub mod api;
pub mod apply;
pub mod bundles;
pub mod case;
pub mod catalog;
pub mod decimal;
#[cfg(test)]
mod fixtures;
pub mod reference;
pub mod time;

pub use catalog::item::*;
