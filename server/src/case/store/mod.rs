//! Cases as stored, one place that reads and writes them: a case row (single,
//! a joint case's whole or one of its parts), its events, files and rating;
//! and writing a move, guarded by the row's version so two
//! moves never interleave, with its notifications in the same transaction.

pub mod documents;
pub mod index;
pub mod ratings;
pub mod read;
pub mod row;
pub mod work_orders;
pub mod write;

pub use read::{
    Filter, Page, events, files, list, load, load_stored, material_ask, material_name, may_complete, outstanding_later,
    parts,
};
pub(crate) use row::internal;
pub use row::{COLUMNS, CaseRow, Kind};
pub use write::{Claim, Move, NewFile, Step, changes, held, insert_event, insert_file, refusal, write_move};
