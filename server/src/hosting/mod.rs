//! Serving the app and the API: the files Trunk built, the prepared answers,
//! the accept loop with its limits, and who the client is.

pub mod body;
pub mod cidr;
pub mod client;
pub mod disposition;
pub mod limits;
pub mod per_client;
pub mod prepared;
pub mod serve;
pub mod shed;
pub mod web;
