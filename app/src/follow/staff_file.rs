//! One file of a case on the staff case page: what it is, where it came
//! from (the submission, a 补正 round, 容缺), downloaded or previewed through
//! the staff API, never by a bare link (the token is in the header, not the
//! URL): an image in the page, a PDF in a new tab with the browser's viewer
//! (zoom, pages; an embedded viewer swallows the page's next click).

use domain::FileType;
use domain::case::origin::FileOrigin;
use domain::case::view::CaseFile;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::follow::documents::save_blob;
use crate::follow::staff_session::token;

/// The blob again, typed, so the browser shows it (`image/png`, `application/pdf`).
fn typed(blob: &web_sys::Blob, kind: FileType) -> Option<web_sys::Blob> {
    let mime = match kind {
        FileType::Pdf => "application/pdf",
        FileType::Jpg => "image/jpeg",
        FileType::Png => "image/png",
    };
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(blob), &options).ok()
}

/// One file, with its download and (for images and PDFs) its preview.
#[component]
pub fn CaseFileRow(
    file: CaseFile,
    /// Sent with the application, with a 补正 (which round) or as 容缺.
    origin: FileOrigin,
) -> impl IntoView {
    let what = format!("{}：{}", file.material_name, file.name);
    let supplied = origin.mark();
    let kind = domain::apply::files::from_extension(&file.name);
    let (url, name) = (file.download.clone(), file.name.clone());
    let failed = RwSignal::new(None::<String>);
    let download = {
        let url = url.clone();
        move |_| {
            let (url, name) = (url.clone(), name.clone());
            spawn_local(async move {
                match api::download(&token().unwrap_or_default(), &url).await {
                    Ok(blob) => {
                        failed.set(None);
                        save_blob(&blob, &name);
                    }
                    Err(error) => failed.set(Some(error.message)),
                }
            });
        }
    };
    // The object URL of the file shown, revoked when it is closed or the page goes.
    let shown = RwSignal::new(None::<String>);
    let close = move || {
        if let Some(Some(object)) = shown.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&object);
            shown.set(None);
        }
    };
    on_cleanup(close);
    let toggle = move |_| {
        if shown.get_untracked().is_some() {
            close();
            return;
        }
        let (url, Some(kind)) = (url.clone(), kind) else { return };
        if kind == FileType::Pdf {
            // Opened now, while the click allows it; filled once the file is here.
            let tab = window().open_with_url_and_target("", "_blank").ok().flatten();
            spawn_local(async move {
                match api::download(&token().unwrap_or_default(), &url).await {
                    Ok(blob) => {
                        failed.set(None);
                        let object =
                            typed(&blob, kind).and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
                        if let (Some(tab), Some(object)) = (tab, object) {
                            let _ = tab.location().set_href(&object);
                        }
                    }
                    Err(error) => {
                        if let Some(tab) = tab {
                            let _ = tab.close();
                        }
                        failed.set(Some(error.message));
                    }
                }
            });
            return;
        }
        spawn_local(async move {
            match api::download(&token().unwrap_or_default(), &url).await {
                Ok(blob) => {
                    failed.set(None);
                    let object = typed(&blob, kind).and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
                    shown.set(object);
                }
                Err(error) => failed.set(Some(error.message)),
            }
        });
    };
    let preview_label = format!("预览 {what}");
    let title = format!("预览：{what}");
    view! {
        <li class="file">
            <span class="file__name">{what.clone()}</span>
            <span class="file__meta">{domain::apply::materials::size_text(file.size)}</span>
            {supplied.map(|when| view! { <span class="file__meta file__meta--supplied">{when}</span> })}
            {(!file.scanned)
                .then(|| {
                    view! {
                        <span class="file__meta" title="本中心未配置病毒扫描，或文件早于扫描启用">
                            "未经病毒扫描"
                        </span>
                    }
                })}
            {kind
                .map(|_| {
                    view! {
                        <button
                            type="button"
                            class="link-button"
                            aria-label=preview_label
                            aria-expanded=move || shown.with(Option::is_some).to_string()
                            on:click=toggle.clone()
                        >
                            {move || match (shown.with(Option::is_some), kind) {
                                (true, _) => "收起预览",
                                (false, Some(FileType::Pdf)) => "在新标签页预览",
                                (false, Some(FileType::Jpg | FileType::Png) | None) => "预览",
                            }}
                        </button>
                    }
                })}
            <button type="button" class="link-button" aria-label=format!("下载 {what}") on:click=download>
                "下载"
            </button>
            {move || {
                failed
                    .get()
                    .map(|message| {
                        view! {
                            <span class="field-error" role="alert">
                                {message}
                            </span>
                        }
                    })
            }}
            {move || {
                let title = title.clone();
                shown.get().map(|object| view! { <img class="file__preview" src=object alt=title /> })
            }}
        </li>
    }
}
