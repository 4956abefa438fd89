//! A small router over the History API: three pages do not need a routing framework,
//! and leptos_router cost about a tenth of the home page's size budget.
//!
//! Same-site link clicks are intercepted and pushed onto the history; back and
//! forward arrive as `popstate`. Pages are re-created only when the path changes, so
//! a new search (a new query string) keeps the home page and its focus.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::subject::Kind;

/// Where the browser is: path and query string (with its `?`, or empty).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    pub path: String,
    pub query: String,
}

impl Location {
    fn read() -> Self {
        let location = window().location();
        Self { path: location.pathname().unwrap_or_default(), query: location.search().unwrap_or_default() }
    }

    /// One query parameter, decoded.
    pub fn param(&self, key: &str) -> Option<String> {
        web_sys::UrlSearchParams::new_with_str(&self.query).ok()?.get(key)
    }

    /// Every query parameter, decoded, in order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Ok(params) = web_sys::UrlSearchParams::new_with_str(&self.query) else { return out };
        let Ok(Some(iterator)) = js_sys::try_iter(&params) else { return out };
        for entry in iterator.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out.push((k, v));
            }
        }
        out
    }
}

/// The pages of the app, decided by the path alone.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Home,
    Guide(String),
    /// Online application of an item or a bundle.
    Apply(Kind, String),
    Bundle(String),
    /// 用恢复码继续: continue a draft saved on another device.
    Resume,
    /// 上传材料并提交: an item's or a bundle's task list (the path says which).
    Tasks(String),
    /// 核对申请内容 before submitting.
    Review(String),
    /// 回执 of a submitted application, by case number.
    Receipt(String),
    /// 办理进度: the look-up form, or a case of this device's receipts.
    CaseStatus(Option<String>),
    /// 补交材料: uploading what a case was asked for (补正) or left for later (容缺).
    CaseSupply(String),
    /// 评价和投诉: rating a case (好差评) and complaining about it.
    CaseFeedback(String),
    /// 我的办件: signing in, and the signed-in person's cases.
    MyCases,
    /// 数据公开.
    Figures,
    /// 工作人员办件台: sign-in and the case list.
    Staff,
    /// One case in the staff console.
    StaffCase(String),
    /// 窗口评价器: the window's pad, where the applicant rates the service.
    StaffPad,
    /// One question of an item's or a bundle's questionnaire.
    Situation(Kind, String, String),
    /// The one-time notice (一次性告知单) of an item or a bundle.
    Checklist(Kind, String),
    NotFound,
}

impl Page {
    pub fn from_path(path: &str) -> Self {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let decode = |s: &str| js_sys::decode_uri_component(s).ok().and_then(|s| s.as_string());
        let kind = |prefix: &str| if prefix == "bundles" { Kind::Bundle } else { Kind::Service };
        let page = match parts.as_slice() {
            [] => Some(Self::Home),
            ["drafts"] => Some(Self::Resume),
            ["receipts", case] => decode(case).map(Self::Receipt),
            ["cases"] => Some(Self::CaseStatus(None)),
            ["cases", case] => decode(case).map(|c| Self::CaseStatus(Some(c))),
            ["cases", case, "supply"] => decode(case).map(Self::CaseSupply),
            ["cases", case, "feedback"] => decode(case).map(Self::CaseFeedback),
            ["my"] => Some(Self::MyCases),
            ["figures"] => Some(Self::Figures),
            ["staff"] => Some(Self::Staff),
            ["staff", "cases", case] => decode(case).map(Self::StaffCase),
            ["staff", "pad"] => Some(Self::StaffPad),
            ["services", code] => decode(code).map(Self::Guide),
            [prefix @ ("services" | "bundles"), code, "apply"] => decode(code).map(|c| Self::Apply(kind(prefix), c)),
            ["services" | "bundles", code, "tasks"] => decode(code).map(Self::Tasks),
            ["services" | "bundles", code, "review"] => decode(code).map(Self::Review),
            ["bundles", code] => decode(code).map(Self::Bundle),
            [prefix @ ("services" | "bundles"), code, "situation", question] => {
                decode(code).zip(decode(question)).map(|(c, q)| Self::Situation(kind(prefix), c, q))
            }
            [prefix @ ("services" | "bundles"), code, "checklist"] => {
                decode(code).map(|c| Self::Checklist(kind(prefix), c))
            }
            _ => None,
        };
        page.unwrap_or(Self::NotFound)
    }
}

/// The current location, shared with every page.
pub fn use_location() -> ReadSignal<Location> {
    expect_context::<ReadSignal<Location>>()
}

/// Go to `url` (a path with an optional query) as a new history entry.
///
/// A synthetic `popstate` tells the listener [`install`] set up, so this works
/// from any event handler, inside a reactive owner or not.
pub fn navigate(url: &str) {
    let _ = window().history().and_then(|h| h.push_state_with_url(&JsValue::NULL, "", Some(url)));
    if let Ok(event) = web_sys::Event::new("popstate") {
        let _ = window().dispatch_event(&event);
    }
}

/// Go to `url` in place of the current entry (back then skips the page that forwarded).
pub fn replace(url: &str) {
    let _ = window().history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(url)));
    if let Ok(event) = web_sys::Event::new("popstate") {
        let _ = window().dispatch_event(&event);
    }
}

/// Start routing: provide the location, follow back/forward and intercept links.
pub fn install() -> ReadSignal<Location> {
    let (location, set_location) = signal(Location::read());
    provide_context(location);
    let on_pop = Closure::<dyn Fn()>::new(move || {
        if !crate::shell::handover::handed_over() {
            set_location.set(Location::read());
        }
    });
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        if crate::shell::handover::handed_over() {
            return;
        }
        if let Some(url) = internal_link(&event) {
            event.prevent_default();
            navigate(&url);
        }
    });
    let _ = document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    location
}

/// The path, query and fragment of a plain left click on a link to one of
/// our pages (the fragment for the page to find its place once drawn).
fn internal_link(event: &web_sys::MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = target.closest("a[href]").ok()??.dyn_into::<web_sys::HtmlAnchorElement>().ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let path = anchor.pathname();
    let here = window().location();
    // In-page anchors (the skip link's #main) are the browser's job.
    if !anchor.hash().is_empty() && path == here.pathname().ok()? && anchor.search() == here.search().ok()? {
        return None;
    }
    let is_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    let same_site = anchor.origin() == here.origin().ok()?;
    (same_site && !is_file && !path.starts_with("/api/"))
        .then(|| [path.as_str(), &anchor.search(), &anchor.hash()].concat())
}
