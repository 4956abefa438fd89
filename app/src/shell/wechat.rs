//! WeChat's in-app browser blocks downloads and printing: pages say what to do instead.

/// Whether the page runs inside WeChat (its user agent says MicroMessenger).
/// The browser searches: Rust's substring search costs 1.7 KB of wasm.
pub fn is_wechat() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .is_some_and(|ua| js_sys::JsString::from(ua).includes("MicroMessenger", 0))
}

/// The sentence that replaces a download in WeChat.
pub const OPEN_IN_BROWSER: &str = "微信里不能下载或打印文件。请点右上角“…”，选择“在浏览器打开”，再下载表格或打印。";
