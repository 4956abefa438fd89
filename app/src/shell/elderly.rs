//! Elderly mode (适老化): larger text and targets, remembered across visits.
//!
//! index.html applies the saved choice before the first paint; this module keeps
//! the `elderly` class on <html> and the saved value in step.

const KEY: &str = "bianmin.elderly";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn is_on() -> bool {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).as_deref() == Some("1")
}

pub fn set(on: bool) {
    if let Some(storage) = storage() {
        let _ = if on { storage.set_item(KEY, "1") } else { storage.remove_item(KEY) };
    }
    show(on);
}

/// Show the page in elderly mode or not, leaving the saved choice as it is.
pub fn show(on: bool) {
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.class_list().toggle_with_force("elderly", on);
    }
}
