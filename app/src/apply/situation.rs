//! 情形引导: one question per page. Answers travel in the address, so the back
//! link, a reload and a shared link all keep them.

use domain::catalog::situation::{Answer, Answers, Question, QuestionKind, answer_problem, next_question, walk};
use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::loaded::loaded;
use crate::shell::load::load;
use crate::shell::router::{navigate, use_location};
use crate::shell::set_title;
use crate::subject::{Kind, Subject, answers_from, query};

#[component]
pub fn SituationPage(kind: Kind, code: String, question: String) -> impl IntoView {
    let subject = load(move || api::subject(kind, code.clone()));
    loaded(subject, "正在加载……", move |subject| {
        let questions = subject.questions();
        match questions.iter().position(|q| q.id == question) {
            Some(index) => Either::Left(view! { <QuestionForm subject questions index /> }),
            None => Either::Right(view! {
                <h1>"没有这个问题"</h1>
                <p>"问题可能已经调整。请从头开始回答。"</p>
                <p>
                    <a href=subject.start_url() class="button">
                        "从头开始"
                    </a>
                </p>
            }),
        }
    })
}

/// What the form holds while the applicant chooses: option ids, or the typed number.
fn initial_choice(question: &Question, answers: &Answers) -> Vec<String> {
    match answers.get(&question.id) {
        Some(Answer::Choice(c)) => vec![c.clone()],
        Some(Answer::Choices(cs)) => cs.clone(),
        Some(Answer::YesNo(b)) => vec![if *b { "yes" } else { "no" }.to_owned()],
        Some(Answer::Number(n)) => vec![n.to_string()],
        None => vec![],
    }
}

fn to_answer(question: &Question, chosen: &[String]) -> Option<Answer> {
    match question.kind {
        QuestionKind::Single => chosen.first().cloned().map(Answer::Choice),
        QuestionKind::Multiple => Some(Answer::Choices(chosen.to_vec())),
        QuestionKind::YesNo => chosen.first().map(|c| Answer::YesNo(c == "yes")),
        QuestionKind::Number => {
            // People type full-width digits on Chinese keyboards; accept them.
            let text: String = chosen
                .first()?
                .trim()
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                    c => c,
                })
                .collect();
            Some(text.parse().map(Answer::Number).unwrap_or(Answer::Choice(text)))
        }
    }
}

#[component]
fn QuestionForm(subject: Subject, questions: Vec<Question>, index: usize) -> impl IntoView {
    let location = use_location();
    let question = questions[index].clone();
    set_title(&question.text);
    let answers = answers_from(&location.get_untracked().pairs(), &questions);
    // Changing one answer from the checklist or the review page returns there.
    let return_to = location.get_untracked().param("return").filter(|r| r == "checklist" || r == "review");
    let returning = return_to.is_some();
    let return_page = return_to.clone().unwrap_or_else(|| "checklist".to_owned());
    let (shown, _) = walk(&questions, &answers);
    let position = shown.iter().position(|q| q.id == question.id);
    let base = subject.base();
    let back = match position.and_then(|p| p.checked_sub(1)).map(|p| shown[p]) {
        _ if returning => format!("{base}/{return_page}{}", query(&answers, &[])),
        Some(previous) => format!("{base}/situation/{}{}", previous.id, query(&answers, &[])),
        None => base.clone(),
    };
    let progress = position.map(|p| format!("第 {} 题，共 {} 题", p + 1, shown.len()));

    let chosen = RwSignal::new(initial_choice(&question, &answers));
    let error = RwSignal::new(None::<String>);
    let summary = NodeRef::<leptos::html::Div>::new();

    // The checklist, live: recomputed with the same domain code as the selection changes.
    let live_subject = subject.clone();
    let live_question = question.clone();
    let live_answers = answers.clone();
    let live = Memo::new(move |_| {
        let mut tentative = live_answers.clone();
        match to_answer(&live_question, &chosen.get()) {
            Some(answer) if answer_problem(&live_question, &answer).is_none() => {
                tentative.insert(live_question.id.clone(), answer);
            }
            _ => {
                tentative.remove(&live_question.id);
            }
        }
        let list = live_subject.checklist(&tentative);
        (list.required().count(), list.tolerated().count())
    });
    let q = question.clone();
    let submit_question = question.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answer = to_answer(&submit_question, &chosen.get_untracked());
        let problem = match &answer {
            None => answer_problem(&submit_question, &Answer::Choices(vec![])),
            Some(a) => answer_problem(&submit_question, a),
        };
        if let Some(problem) = problem {
            error.set(Some(problem));
            // Focus the summary so screen readers announce it; nothing typed is cleared.
            request_animation_frame(move || {
                if let Some(el) = summary.get_untracked() {
                    let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
                }
            });
            return;
        }
        let mut next_answers = answers.clone();
        next_answers.insert(submit_question.id.clone(), answer.expect("checked above"));
        let url = match next_question(&questions, &next_answers) {
            Some(next) if !returning || next.id != submit_question.id => {
                let extra: &[(&str, &str)] = if returning { &[("return", return_page.as_str())] } else { &[] };
                format!("{base}/situation/{}{}", next.id, query(&next_answers, extra))
            }
            _ => format!("{base}/{return_page}{}", query(&next_answers, &[])),
        };
        navigate(&url);
    };

    let field_id = format!("q-{}", question.id);
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    let described = move || {
        let mut ids = Vec::new();
        if !question.hint.is_empty() {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        ids.join(" ")
    };
    let error_link = format!("#{field_id}");
    view! {
        <p class="back">
            <a href=back>"返回上一步"</a>
        </p>
        <p class="caption">{subject.name().to_owned()}{progress.map(|p| format!(" · {p}"))}</p>
        {move || {
            error
                .get()
                .map(|message| {
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                            <h2 class="error-summary__title">"请先回答这个问题"</h2>
                            <ul>
                                <li>
                                    <a href=error_link.clone()>{message}</a>
                                </li>
                            </ul>
                        </div>
                    }
                })
        }}
        <form class="question" on:submit=submit novalidate>
            <QuestionField question=q chosen error described=Signal::derive(described) />
            <p class="hint live-count" aria-live="polite">
                {move || {
                    let (required, tolerated) = live.get();
                    match tolerated {
                        0 => format!("按目前的回答，需要准备 {required} 项材料。"),
                        t => {
                            format!(
                                "按目前的回答，需要准备 {required} 项材料，另有 {t} 项可以容缺后补。",
                            )
                        }
                    }
                }}
            </p>
            <button type="submit" class="button">
                "继续"
            </button>
        </form>
    }
}

#[component]
fn QuestionField(
    question: Question,
    chosen: RwSignal<Vec<String>>,
    error: RwSignal<Option<String>>,
    described: Signal<String>,
) -> impl IntoView {
    let field_id = format!("q-{}", question.id);
    let hint = (!question.hint.is_empty()).then(|| {
        view! {
            <p class="hint" id=format!("{field_id}-hint")>
                {question.hint.clone()}
            </p>
        }
    });
    let error_line = {
        let id = format!("{field_id}-error");
        move || {
            error.get().map(|message| {
                view! {
                    <p class="field-error" id=id.clone()>
                        {message}
                    </p>
                }
            })
        }
    };
    let group_class = move || if error.get().is_some() { "field field--error" } else { "field" };
    match question.kind {
        QuestionKind::Number => view! {
            <div class=group_class>
                <h1>
                    <label for=field_id.clone()>{question.text.clone()}</label>
                </h1>
                {hint}
                {error_line}
                <div class="number-input">
                    <input
                        id=field_id
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        class="input--number"
                        aria-describedby=described
                        prop:value=move || chosen.get().first().cloned().unwrap_or_default()
                        on:input=move |ev| chosen.set(vec![event_target_value(&ev)])
                    />
                    <span>{question.unit.clone()}</span>
                </div>
            </div>
        }
        .into_any(),
        kind => {
            let multiple = kind == QuestionKind::Multiple;
            let options: Vec<(String, String, String)> = if kind == QuestionKind::YesNo {
                vec![("yes".into(), "是".into(), String::new()), ("no".into(), "否".into(), String::new())]
            } else {
                question.options.iter().map(|o| (o.id.clone(), o.label.clone(), o.hint.clone())).collect()
            };
            let name = field_id.clone();
            view! {
                <div class=group_class>
                    <fieldset aria-describedby=described>
                        <legend>
                            <h1>{question.text.clone()}</h1>
                        </legend>
                        {hint}
                        {multiple.then(|| view! { <p class="hint">"可以选多项。"</p> })}
                        {error_line}
                        <div class="choices">
                            {options
                                .into_iter()
                                .enumerate()
                                .map(|(i, (value, label, option_hint))| {
                                    let id = if i == 0 { field_id.clone() } else { format!("{field_id}-{value}") };
                                    let checked_value = value.clone();
                                    let toggle_value = value.clone();
                                    // The first option carries the question's id, so the error link lands here.
                                    view! {
                                        <div class="choice">
                                            <input
                                                id=id.clone()
                                                name=name.clone()
                                                type=if multiple { "checkbox" } else { "radio" }
                                                value=value
                                                prop:checked=move || chosen.get().contains(&checked_value)
                                                on:change=move |_| {
                                                    chosen
                                                        .update(|c| {
                                                            if !multiple {
                                                                c.clear();
                                                            }
                                                            if let Some(at) = c.iter().position(|v| *v == toggle_value)
                                                            {
                                                                c.remove(at);
                                                            } else {
                                                                c.push(toggle_value.clone());
                                                            }
                                                        })
                                                }
                                            />
                                            <label for=id>
                                                {label}
                                                {(!option_hint.is_empty())
                                                    .then(|| view! { <span class="choice__hint">{option_hint}</span> })}
                                            </label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </fieldset>
                </div>
            }
            .into_any()
        }
    }
}
