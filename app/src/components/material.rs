//! One material of a guide or a checklist.

use domain::{Material, MaterialForm};
use leptos::prelude::*;

use crate::shell::wechat::{OPEN_IN_BROWSER, is_wechat};

/// "原件 1 份、复印件 1 份、电子版".
fn forms_text(material: &Material) -> String {
    material
        .forms
        .iter()
        .map(|form| match form {
            MaterialForm::PaperOriginal => format!("原件 {} 份", material.originals),
            MaterialForm::PaperCopy => format!("复印件 {} 份", material.copies),
            MaterialForm::Electronic => "电子版".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn upload_text(material: &Material) -> Option<String> {
    if material.file_types.is_empty() {
        return None;
    }
    let types: Vec<&str> = material.file_types.iter().map(|t| t.label()).collect();
    Some(format!(
        "可上传 {}，每个文件不超过 {} MB，最多 {} 个文件",
        types.join("、"),
        material.max_file_mb,
        material.max_files
    ))
}

/// One material: what it is, in what form, what makes it acceptable, and its forms.
/// `title` overrides the name (a repeated material says how many); `used_by`
/// names the items of a bundle that need it.
#[component]
pub fn MaterialEntry(
    material: Material,
    #[prop(optional)] title: Option<String>,
    #[prop(optional)] used_by: Vec<String>,
) -> impl IntoView {
    let held = material.not_needed_from_applicant();
    let (tag_class, tag) = if held {
        ("tag tag--held".to_owned(), "无需提供".to_owned())
    } else {
        (format!("tag tag--{:?}", material.necessity).to_lowercase(), material.necessity.label().to_owned())
    };
    let wechat = is_wechat();
    view! {
        <li class="material">
            <h3 class="material__name">{title.unwrap_or_else(|| material.name.clone())}</h3>
            <p class="material__tags">
                <span class=tag_class>{tag}</span>
                <span class="tag">{material.source.label()}</span>
            </p>
            <dl class="facts">
                <div>
                    <dt>"材料形式"</dt>
                    <dd>{forms_text(&material)}</dd>
                </div>
                <div>
                    <dt>"要求"</dt>
                    <dd>{material.standard.clone()}</dd>
                </div>
                {upload_text(&material)
                    .map(|text| {
                        view! {
                            <div>
                                <dt>"上传"</dt>
                                <dd>{text}</dd>
                            </div>
                        }
                    })}
                {material
                    .note
                    .clone()
                    .map(|note| {
                        view! {
                            <div>
                                <dt>"说明"</dt>
                                <dd>{note}</dd>
                            </div>
                        }
                    })}
                {(!used_by.is_empty())
                    .then(|| {
                        view! {
                            <div>
                                <dt>"用于"</dt>
                                <dd>{used_by.join("、")}</dd>
                            </div>
                        }
                    })}
            </dl>
            {(wechat && (material.blank_form.is_some() || material.sample.is_some()))
                .then(|| view! { <p class="hint wechat-hint">{OPEN_IN_BROWSER}</p> })}
            {(material.blank_form.is_some() || material.sample.is_some())
                .then(|| {
                    view! {
                        <p class="material__links">
                            {material.blank_form.clone().map(|href| file_link(href, "空白表格", &material.name))}
                            {material.sample.clone().map(|href| file_link(href, "填写样表", &material.name))}
                        </p>
                    }
                })}
        </li>
    }
}

/// A blank form or a filled-in sample, opened in a new tab.
fn file_link(href: String, what: &'static str, material: &str) -> impl IntoView + use<> {
    let label = format!("{what}：{material}");
    view! {
        <a href=format!("/{href}") target="_blank" rel="noopener" aria-label=label>
            {what}
        </a>
    }
}
