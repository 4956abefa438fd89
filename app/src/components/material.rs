//! One material of a guide or a checklist.

use domain::decimal::decimal;
use domain::{Material, MaterialForm};
use leptos::prelude::*;

use crate::components::fact::fact;
use crate::shell::wechat::{OPEN_IN_BROWSER, is_wechat};

/// "原件 1 份、复印件 1 份、电子版".
fn forms_text(material: &Material) -> String {
    material
        .forms
        .iter()
        .map(|form| match form {
            MaterialForm::PaperOriginal => ["原件 ", &decimal(material.originals), " 份"].concat(),
            MaterialForm::PaperCopy => ["复印件 ", &decimal(material.copies), " 份"].concat(),
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
    Some(
        [
            "可上传 ",
            &types.join("、"),
            "，每个文件不超过 ",
            &decimal(material.max_file_mb),
            " MB，最多 ",
            &decimal(material.max_files),
            " 个文件",
        ]
        .concat(),
    )
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
        (["tag tag--", material.necessity.code()].concat(), material.necessity.label().to_owned())
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
                {fact("材料形式", forms_text(&material))} {fact("要求", material.standard.clone())}
                {upload_text(&material).map(|text| fact("上传", text))}
                {material.note.clone().map(|note| fact("说明", note))}
                {(!used_by.is_empty()).then(|| fact("用于", used_by.join("、")))}
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
    let label = [what, "：", material].concat();
    view! {
        <a href=["/", &href].concat() target="_blank" rel="noopener" aria-label=label>
            {what}
        </a>
    }
}
