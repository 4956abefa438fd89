//! Pieces pages of more than one bundle use.

pub mod alert;
pub mod case_key_form;
pub mod code_field;
pub mod days_field;
pub mod fact;
pub mod load_error;
pub mod loaded;
pub mod masked;
pub mod material;
pub mod material_upload;
pub mod timeline;
