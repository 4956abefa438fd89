//! One module per page.

pub mod apply;
pub mod apply_soon;
pub mod bundle;
pub mod case_status;
pub mod checklist;
pub mod figures;
pub mod guide;
pub mod home;
pub mod not_found;
pub mod receipt;
pub mod resume;
pub mod review;
pub mod situation;
pub mod staff;
pub mod tasks;

/// The browser tab's title: "page · 便民".
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{page} · 便民"));
    }
}
