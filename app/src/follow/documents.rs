//! The written notices and decisions of a case (受理通知书, 不予受理决定书,
//! 补正告知书, 许可决定书): listed on the staff case page and the applicant's
//! status page, each saved as PDF or opened as a page to print.

use domain::case::document::{DocumentRef, Format};
use domain::case::view::{CaseKey, DocumentRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::alert::ErrorNotice;
use crate::follow::staff_session::token;

/// Save a downloaded file under its name.
pub fn save_blob(blob: &web_sys::Blob, name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Some(anchor) =
        document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn file_name(document: &DocumentRef, format: Format) -> String {
    let extension = match format {
        Format::Pdf => "pdf",
        Format::Html => "html",
    };
    format!("{}{}.{extension}", document.title, document.number)
}

/// A button for each format, named with the document's title.
fn actions(title: String, get: impl Fn(Format) + Clone + 'static) -> impl IntoView {
    let (pdf, html) = (get.clone(), get);
    view! {
        <span class="document-actions">
            <button
                type="button"
                class="link-button"
                aria-label=format!("下载 PDF：{title}")
                on:click=move |_| pdf(Format::Pdf)
            >
                "下载 PDF"
            </button>
            <button
                type="button"
                class="link-button"
                aria-label=format!("网页版：{title}（可打印）")
                on:click=move |_| html(Format::Html)
            >
                "网页版"
            </button>
        </span>
    }
}

/// One line: the title, number and date, and a button for each format.
fn row(document: DocumentRef, get: impl Fn(DocumentRef, Format) + Clone + 'static) -> impl IntoView {
    let this = document.clone();
    view! {
        <li>
            <strong>{document.title.clone()}</strong>
            {format!(" {} · {}", document.number, document.issued_on.chinese())}
            {actions(document.title.clone(), move |format| get(this.clone(), format))}
        </li>
    }
}

/// The case's documents for the department (downloaded with the token), and
/// the 申请表 printed from the application for the parties to sign.
#[component]
pub fn StaffDocuments(case_number: String, documents: Vec<DocumentRef>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let form_url = format!("/api/staff/cases/{}/application-form", js_sys::encode_uri_component(&case_number));
    let form_name = format!("申请表{case_number}");
    let print_form = move |format: Format| {
        let (query, extension) = match format {
            Format::Pdf => ("", "pdf"),
            Format::Html => ("?format=html", "html"),
        };
        let (url, name) = (format!("{form_url}{query}"), format!("{form_name}.{extension}"));
        spawn_local(async move {
            match api::staff::download(&token().unwrap_or_default(), &url).await {
                Ok(blob) => save_blob(&blob, &name),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let get = move |document: DocumentRef, format: Format| {
        let query = match format {
            Format::Pdf => "",
            Format::Html => "?format=html",
        };
        let url = format!(
            "/api/staff/cases/{}/documents/{}{query}",
            js_sys::encode_uri_component(&case_number),
            js_sys::encode_uri_component(&document.id)
        );
        spawn_local(async move {
            match api::staff::download(&token().unwrap_or_default(), &url).await {
                Ok(blob) => save_blob(&blob, &file_name(&document, format)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h2>"文书"</h2>
        <ErrorNotice message=error />
        <ul class="plain-list documents">
            <li>
                <strong>"申请表"</strong>
                " 按申请内容生成，打印后请各方当事人签字"
                {actions("申请表".to_owned(), print_form)}
            </li>
            {documents.into_iter().map(|d| row(d, get.clone())).collect_view()}
        </ul>
    }
}

/// The case's documents for the applicant (the key goes in the request's body).
#[component]
pub fn ApplicantDocuments(key: CaseKey, documents: Vec<DocumentRef>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let get = move |document: DocumentRef, format: Format| {
        let request = DocumentRequest { key: key.clone(), id: document.id.clone(), format };
        spawn_local(async move {
            match api::case_document(&request).await {
                Ok(blob) => save_blob(&blob, &file_name(&document, format)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="documents" aria-labelledby="documents-title">
            <h2 id="documents-title">"文书"</h2>
            <p class="hint">"部门依法出具的书面通知和决定，可以下载保存或打印。"</p>
            <ErrorNotice message=error />
            <ul class="plain-list">{documents.into_iter().map(|d| row(d, get.clone())).collect_view()}</ul>
        </section>
    }
}
