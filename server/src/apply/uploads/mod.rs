//! Resumable uploads (tus 1.0: core, creation, termination, checksum, expiration)
//! under `/api/uploads/`, through the tus-protocol crates, with files stored by
//! Apache OpenDAL (the filesystem under the data directory by default).
//!
//! The server never trusts the browser: on creation a hook checks the declared
//! file against the material's rules (type by name, size, known item and
//! material) and keeps only the last part of the file name; once the bytes are
//! in, `POST /api/upload-checks` reads the file's first bytes and checks them
//! with the same `domain::apply::files` code, discarding a file whose content is not
//! what its name says.

pub mod checks;
pub mod earlier;
pub mod gather;
pub mod owner;
pub mod pdf;
pub mod state;
pub mod store;
pub mod virus_scan;
