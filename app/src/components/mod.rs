//! Pieces shared by several pages.

pub mod case_feedback;
pub mod draft_save;
pub mod item_loader;
pub mod load_error;
pub mod material;
pub mod material_upload;
pub mod service_card;
pub mod site_header;
