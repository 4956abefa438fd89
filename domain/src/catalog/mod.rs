//! Finding a service and reading its guide: the items (事项) and joint
//! applications (一件事) as data, search, situation questions (情形引导), the
//! material checklist (一次性告知), and the catalog checker.

pub mod applying;
pub mod bundle;
pub mod check;
pub mod checklist;
pub mod department;
pub mod elsewhere;
pub mod item;
#[cfg(feature = "search")]
pub mod search;
pub mod situation;

pub use item::*;
