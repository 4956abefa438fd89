//! The provincial exchange's model: the GB/T 39046-2020 records a case
//! produces ([`records`]), the standard's code lists ([`codes`]), and the one
//! pure function from what happened to those records ([`map`]). A province's
//! profile writes these in its own spelling and transport (the server's).

pub mod codes;
pub mod map;
pub mod number;
pub mod records;
