//! Pieces shared by several pages.

pub mod load_error;
pub mod material;
pub mod service_card;
pub mod site_header;
