//! What every bundle shares around the pages: the router, the loaders, the
//! hand-over between bundles, browser storage, the header, elderly mode, the
//! WeChat hints and who is signed in.

pub mod announce;
pub mod draft;
pub mod drawn;
pub mod elderly;
pub mod handover;
pub mod load;
pub mod prefetch;
pub mod router;
pub mod session;
pub mod site_header;
pub mod timer;
pub mod wechat;

/// The browser tab's title: "page · 便民".
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&[page, " · 便民"].concat());
    }
}
