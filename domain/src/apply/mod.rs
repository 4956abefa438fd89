//! Applying: the form and its identity checks, the file rules, the
//! application's uploaded materials, and what a submission carries.

pub mod files;
pub mod form;
pub mod identity;
pub mod submission;
pub mod upload;
