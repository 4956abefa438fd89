//! Applying: the form and its identity checks, the file rules, the
//! application's uploaded materials, photos compressed in the browser, the tus
//! transport's rules, and what a submission carries.

pub mod files;
pub mod form;
pub mod identity;
pub mod materials;
pub mod parties;
pub mod phone_code;
pub mod photo;
pub mod printed;
pub mod reuse;
pub mod submission;
pub mod tus;
