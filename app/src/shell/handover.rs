//! Lazy loading: the light app hands the page over to a bigger bundle.
//!
//! The home page's budget is the smallest, so its wasm holds only search. The first
//! time the applicant opens any other page, the light app reads the bundle's
//! `manifest.json` (written by `cargo xtask build`), imports its module, stops
//! its own router, unmounts itself, and starts it; the bundle then shows the
//! page at the same address and handles every later one.
//!
//! There are twelve bundles (`domain::bundles` says which has which page):
//! `guide` (guides, questionnaires, notices), `form`, `tasks` and `review`
//! (applying, one per step), `receipt` (the receipt after submitting),
//! `resume` (resuming a draft) and `lookup` (the look-up form), the last two
//! light apps that hand over like this one, `follow` (a
//! case's status), `supply` (the uploads a 补正 or 容缺 asks for),
//! `feedback` (rating a case, complaining about it), `mine` (我的办件,
//! public figures) and `console` (the staff console), so an applicant
//! reading a guide never downloads the form, a page opened from a link loads
//! only its own step, and a citizen never downloads the staff console. When
//! a bundle meets a page of another one, it reloads the address, and the
//! server answers with the page
//! of the bundle that has it.

use std::any::Any;
use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static MOUNTED: RefCell<Option<Box<dyn Any>>> = RefCell::new(None);
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static HANDED_OVER: Cell<bool> = const { Cell::new(false) };
}

// One snippet for both, written small (each inline snippet is a file every
// page preloads, and nothing minifies it). `prefetch_bundle(url)` waits 1.5 s
// (the page's own requests go first), reads the manifest at `url` and
// downloads the files it names into the browser's cache, errors ignored;
// not when the phone asks to save data or is on 2G. In the browser it costs
// a few bytes where the same in Rust was about 1 KB of brotli in every bundle
// that prefetches.
#[wasm_bindgen(
    inline_js = "export function import_module(u){return import(u)}export function prefetch_bundle(u){const c=navigator.connection;c&&(c.saveData||/2g$/.test(c.effectiveType))||setTimeout(()=>fetch(u).then(r=>r.json()).then(m=>Promise.all([m.js,m.wasm].map(x=>fetch(x).then(r=>r.arrayBuffer())))).catch(()=>{}),1500)}"
)]
extern "C" {
    fn import_module(url: &str) -> js_sys::Promise;
    pub(crate) fn prefetch_bundle(manifest: &str);
}

/// Where a bundle's files are (their names carry content hashes).
#[derive(Deserialize)]
struct Manifest {
    js: String,
    wasm: String,
}

/// Keep the mounted app alive until a hand-over unmounts it.
pub fn keep(handle: impl Any) {
    MOUNTED.with_borrow_mut(|slot| *slot = Some(Box::new(handle)));
}

/// True once this (light) app has given the page to a bundle: its router
/// must then ignore clicks and history changes.
pub fn handed_over() -> bool {
    HANDED_OVER.get()
}

pub use domain::bundles::AppBundle as Bundle;

pub(crate) fn manifest(bundle: Bundle) -> String {
    ["/", bundle.dir(), "/manifest.json"].concat()
}

/// Hand over to the bundle that shows the current address; the home page's
/// (search, the page for addresses that lead nowhere) has no manifest, so a
/// light app other than the home page's (look-up, resume) loads it afresh.
pub fn hand_over_here() -> AnyView {
    let path = window().location().pathname().unwrap_or_default();
    match domain::bundles::bundle_for(&path) {
        Bundle::Home => reload(),
        bundle => hand_over(bundle),
    }
}

/// Start loading a bundle (once) and show a loading line meanwhile.
pub fn hand_over(bundle: Bundle) -> AnyView {
    let failed = RwSignal::new(false);
    if !STARTED.replace(true) {
        spawn_local(async move {
            if load_bundle(bundle).await.is_err() {
                STARTED.set(false);
                failed.set(true);
            }
        });
    }
    view! {
        {move || {
            if failed.get() {
                view! {
                    <div class="notice notice--error" role="alert">
                        <p>"网络连接不稳定，页面没能打开。请检查网络后重试。"</p>
                        <button
                            type="button"
                            class="button button--secondary"
                            on:click=|_| {
                                let _ = window().location().reload();
                            }
                        >
                            "重新加载"
                        </button>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <p class="loading" role="status">
                        {opening(&window().location().pathname().unwrap_or_default())}
                    </p>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

/// What is being opened, in words, while its bundle loads (as index.html's
/// skeleton says it): never the home page's title on another page.
fn opening(path: &str) -> &'static str {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["services" | "bundles", _, "apply" | "tasks" | "review", ..] => "正在打开申请表……",
        ["services" | "bundles", _, "situation" | "checklist", ..] => "正在打开材料清单……",
        ["services" | "bundles", ..] => "正在打开办事指南……",
        ["cases", _, "supply"] => "正在打开补交材料……",
        ["cases", _, "feedback"] => "正在打开评价和投诉……",
        ["receipts", ..] => "正在打开申请回执……",
        ["cases", ..] => "正在打开办理进度……",
        ["drafts", ..] => "正在打开草稿……",
        ["my", ..] => "正在打开我的办件……",
        ["staff", ..] => "正在打开工作人员入口……",
        ["figures", ..] => "正在打开数据公开……",
        _ => "正在打开……",
    }
}

/// Set before a reload that is a step of the journey, read once by the next start.
const FOCUS_AFTER_RELOAD: &str = "bianmin.focus-main";

/// Whether the page was loaded afresh as a step of the journey (not opened):
/// then its main region takes focus, as after any other page change.
pub fn focus_after_reload() -> bool {
    let Some(storage) = window().session_storage().ok().flatten() else { return false };
    let set = storage.get_item(FOCUS_AFTER_RELOAD).ok().flatten().is_some();
    let _ = storage.remove_item(FOCUS_AFTER_RELOAD);
    set
}

/// Ask the next start to give its main region focus.
fn mark_focus() {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.set_item(FOCUS_AFTER_RELOAD, "1");
    }
}

/// From inside a bundle: the page belongs to the other one, so load the address
/// afresh (the light app starts and hands over to the right bundle).
pub fn reload() -> AnyView {
    mark_focus();
    let _ = window().location().reload();
    view! {
        <p class="loading" role="status">
            "正在打开……"
        </p>
    }
    .into_any()
}

async fn load_bundle(bundle: Bundle) -> Result<(), JsValue> {
    let response = JsFuture::from(window().fetch_with_str(&manifest(bundle))).await?;
    let manifest: Manifest =
        crate::api::read_json(response.unchecked_into()).await.map_err(|()| JsValue::from_str("manifest"))?;
    let module = JsFuture::from(import_module(&manifest.js)).await?;
    let init: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())?.dyn_into()?;
    HANDED_OVER.set(true);
    // Where the page had focus (the applicant moved here), the next page takes it.
    let focused = document().active_element().is_some_and(|e| e.tag_name() != "BODY");
    if focused {
        mark_focus();
    }
    // Unmount only now: until the module has arrived, the light app stays usable.
    MOUNTED.with_borrow_mut(|slot| slot.take());
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"module_or_path".into(), &manifest.wasm.into())?;
    let started = init.call1(&JsValue::NULL, &options)?.dyn_into::<js_sys::Promise>()?;
    JsFuture::from(started).await?;
    Ok(())
}
