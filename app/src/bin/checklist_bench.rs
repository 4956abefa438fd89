//! For `cargo xtask bench` only (never shipped): times the checklist evaluator
//! compiled to wasm, the same code the app runs on every answer.

use domain::ServiceItem;
use domain::catalog::bundle::BundleDetail;
use domain::catalog::bundle::bundle_checklist;
use domain::catalog::checklist::item_checklist;
use domain::catalog::situation::{Answer, Answers, Question, QuestionKind};
use wasm_bindgen::prelude::*;

/// The answers that select the most: first options, every option, yes, the largest number.
fn fullest_answers(questions: &[Question]) -> Answers {
    questions
        .iter()
        .map(|q| {
            let answer = match q.kind {
                QuestionKind::Single => Answer::Choice(q.options[0].id.clone()),
                QuestionKind::Multiple => Answer::Choices(q.options.iter().map(|o| o.id.clone()).collect()),
                QuestionKind::YesNo => Answer::YesNo(true),
                QuestionKind::Number => Answer::Number(q.max.unwrap_or(1)),
            };
            (q.id.clone(), answer)
        })
        .collect()
}

fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into()).expect("now").into();
    now.call0(&performance).expect("now()").as_f64().unwrap_or_default()
}

/// Microseconds per checklist recomputation of an item (JSON of `/api/services/{code}`).
#[wasm_bindgen]
pub fn bench_item(json: &str, iterations: u32) -> f64 {
    let item: ServiceItem = serde_json::from_str(json).expect("an item");
    let answers = fullest_answers(&item.questions);
    let start = now_ms();
    let mut entries = 0;
    for _ in 0..iterations {
        entries += item_checklist(&item, &answers).entries.len();
    }
    assert!(entries > 0);
    (now_ms() - start) * 1000.0 / f64::from(iterations)
}

/// Microseconds per checklist recomputation of a bundle (JSON of `/api/bundles/{code}`).
#[wasm_bindgen]
pub fn bench_bundle(json: &str, iterations: u32) -> f64 {
    let detail: BundleDetail = serde_json::from_str(json).expect("a bundle");
    let answers = fullest_answers(&detail.questions());
    let start = now_ms();
    let mut entries = 0;
    for _ in 0..iterations {
        entries += bundle_checklist(&detail, &answers).entries.len();
    }
    assert!(entries > 0);
    (now_ms() - start) * 1000.0 / f64::from(iterations)
}

fn main() {}
