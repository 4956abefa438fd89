//! What the applicant gave beyond who they are, as the clerk needs it on the
//! case page: how the result goes to them (a posted licence goes to this
//! address), every party (the seller beside the buyer), the situation answers in words, the item's own fields, and the
//! 容缺 materials with the signed pledge. The words come from the item (or the
//! bundle) the case is for, fetched as the status page fetches them.

use domain::apply::form::delivery_text;
use domain::apply::submission::Submission;
use domain::case::view::StaffCase;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::apply::checklist::answer_text;
use crate::components::fact::named_fact;
use crate::subject::{Kind, Subject};

/// Rows of facts, each a label and its value.
fn rows(application: &Submission, subject: Option<&Subject>) -> Vec<(String, String)> {
    let mut out = vec![("领取方式".to_owned(), delivery_text(&application.form))];
    let Some(subject) = subject else { return out };
    let applying = subject.applying();
    out.extend(applying.named_parties(&application.form).iter().map(|p| p.row()));
    for question in applying.questions() {
        if let Some(answer) = application.answers.get(&question.id) {
            out.push((question.text.clone(), answer_text(&question, answer)));
        }
    }
    out.extend(applying.field_rows(&application.form));
    if !application.later.is_empty() {
        let names: Vec<String> =
            application.later.iter().map(|id| material_name(subject, id).unwrap_or_else(|| id.clone())).collect();
        let pledge = if application.pledge_accepted { "，申请人已签署容缺受理承诺书" } else { "" };
        out.push(("容缺材料（受理后补交）".to_owned(), format!("{}{pledge}", names.join("、"))));
    }
    out
}

fn material_name(subject: &Subject, id: &str) -> Option<String> {
    match subject {
        Subject::Item(item) => item.materials.iter().find(|m| m.id == id).map(|m| m.name.clone()),
        Subject::Bundle(detail) => detail.document(id).map(|m| m.name.clone()),
    }
}

/// The application's other facts, under the applicant's details.
#[component]
pub fn ApplicationFacts(case: StaffCase) -> impl IntoView {
    // A joint case's whole is for its bundle; a single case (or a part) for its item.
    let kind = if case.parts.is_empty() { Kind::Service } else { Kind::Bundle };
    let subject = RwSignal::new(None::<Subject>);
    let code = case.item_code.clone();
    spawn_local(async move {
        if let Ok(found) = crate::api::subject(kind, code).await {
            subject.set(Some(found));
        }
    });
    let application = case.application;
    move || {
        let facts = subject.with(|s| rows(&application, s.as_ref()));
        view! {
            <h2>"申请事项信息"</h2>
            <dl class="answers">{facts.into_iter().map(|(k, v)| named_fact(k, v)).collect_view()}</dl>
        }
    }
}
