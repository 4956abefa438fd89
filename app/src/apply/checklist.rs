//! 一次性告知单: the complete checklist for the answers in the address, told once.
//! Printable (A4), and shareable: the address holds the answers, so the same list
//! opens on another phone or at the window.

use domain::catalog::checklist::ChecklistEntry;
use domain::catalog::situation::{Answer, Question, walk};
use leptos::prelude::*;

use crate::api;
use crate::components::fact::changeable_fact;
use crate::components::loaded::loaded;
use crate::components::material::MaterialEntry;
use crate::shell::load::load;
use crate::shell::router::use_location;
use crate::shell::set_title;
use crate::shell::wechat::{OPEN_IN_BROWSER, is_wechat};
use crate::subject::{Kind, Subject, answers_from, query};

#[component]
pub fn ChecklistPage(kind: Kind, code: String) -> impl IntoView {
    let subject = load(move || api::subject(kind, code.clone()));
    loaded(subject, "正在生成材料清单……", |subject| view! { <Notice subject /> })
}

/// The answer as the applicant chose it, in words.
pub fn answer_text(question: &Question, answer: &Answer) -> String {
    let label = |id: &String| question.options.iter().find(|o| &o.id == id).map_or(id.clone(), |o| o.label.clone());
    match answer {
        Answer::YesNo(b) => if *b { "是" } else { "否" }.to_owned(),
        Answer::Number(n) => format!("{n} {}", question.unit),
        Answer::Choice(c) => label(c),
        Answer::Choices(cs) => cs.iter().map(label).collect::<Vec<_>>().join("、"),
    }
}

#[component]
fn Notice(subject: Subject) -> impl IntoView {
    // 开始网上申请 is at the bottom of the notice: its bundle loads while it is read.
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Form);
    let location = use_location();
    let questions = subject.questions();
    let answers = answers_from(&location.get_untracked().pairs(), &questions);
    let (shown, effective) = walk(&questions, &answers);
    let list = subject.checklist(&answers);
    set_title(&format!("一次性告知单：{}", subject.name()));
    let base = subject.base();
    let share =
        format!("{}{base}/checklist{}", window().location().origin().unwrap_or_default(), query(&effective, &[]));
    let wechat = is_wechat();

    let section = |title: &'static str, note: &'static str, entries: Vec<ChecklistEntry>, subject: &Subject| {
        (!entries.is_empty()).then(|| {
            let count = entries.len();
            let items: Vec<_> = entries
                .into_iter()
                .map(|entry| {
                    let used_by = if subject.kind() == Kind::Bundle {
                        entry.items.iter().map(|code| subject.item_name(code)).collect()
                    } else {
                        Vec::new()
                    };
                    let title = entry.title();
                    view! { <MaterialEntry material=entry.material title used_by /> }
                })
                .collect();
            view! {
                <section class="checklist-group">
                    <h2>{format!("{title}（{count} 项）")}</h2>
                    {(!note.is_empty()).then(|| view! { <p class="hint">{note}</p> })}
                    <ol class="materials">{items}</ol>
                </section>
            }
        })
    };
    let required = section("必须提交的材料", "", list.required().cloned().collect(), &subject);
    let tolerated = section(
        "可以容缺后补的材料",
        "这些材料可以先不交，签署容缺受理承诺书后先受理，在规定期限内补交。",
        list.tolerated().cloned().collect(),
        &subject,
    );
    let optional =
        section("按需提交的材料", "符合说明中情形的才需要提交。", list.optional().cloned().collect(), &subject);
    let held = section(
        "无需您提供的材料",
        "政府部门已经有这些材料，窗口直接调取，您不用准备。",
        list.held_by_government().cloned().collect(),
        &subject,
    );

    let continue_link = list.unanswered.first().map(|id| format!("{base}/situation/{id}{}", query(&effective, &[])));
    let answered: Vec<_> = shown
        .iter()
        .filter_map(|q| effective.get(&q.id).map(|a| (*q, a)))
        .map(|(q, a)| {
            let change = format!("{base}/situation/{}{}", q.id, query(&effective, &[("return", "checklist")]));
            changeable_fact(q.text.clone(), answer_text(q, a), change)
        })
        .collect();
    let has_answers = !answered.is_empty();
    let summary = match &subject {
        Subject::Item(item) => {
            format!("办理部门：{}。承诺 {} 个工作日内办结。", item.department, item.promised_limit_days)
        }
        Subject::Bundle(detail) => format!(
            "牵头部门：{}，一个窗口统一受理。涉及 {} 个事项，承诺 {} 个工作日内全部办结。",
            detail.bundle.lead_department,
            detail.items.len(),
            detail.promised_limit_days()
        ),
    };
    let print = move |_| {
        let _ = window().print();
    };
    let copied = RwSignal::new(false);
    let share_for_copy = share.clone();
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&share_for_copy);
        copied.set(true);
        crate::shell::announce::say("链接已复制");
    };

    view! {
        <p class="back no-print">
            <a href=base
                .clone()>
                {format!("返回{}", if subject.kind() == Kind::Bundle { "一件事介绍" } else { "办事指南" })}
            </a>
        </p>
        <h1>"一次性告知单"</h1>
        <p class="lead">{subject.name().to_owned()}</p>
        {continue_link
            .map(|href| {
                view! {
                    <div class="notice notice--warn" role="status">
                        <p>
                            {format!(
                                "还有 {} 个问题没有回答，下面的清单可能不完整。",
                                list.unanswered.len(),
                            )}
                        </p>
                        <p>
                            <a href=href class="button">
                                "继续回答"
                            </a>
                        </p>
                    </div>
                }
            })}
        <p>
            {format!(
                "根据您的回答，办理本事项需要准备下面的材料。我们一次性告知全部材料，请对照准备。{summary}",
            )}
        </p>
        {has_answers
            .then(|| {
                view! {
                    <section aria-labelledby="your-answers">
                        <h2 id="your-answers">"您的回答"</h2>
                        <dl class="answers">{answered}</dl>
                    </section>
                }
            })}
        {required}
        {tolerated}
        {optional}
        {held}
        <section class="no-print" aria-labelledby="keep">
            <h2 id="keep">"保存或转发这份清单"</h2>
            {if wechat {
                view! { <p class="notice">{OPEN_IN_BROWSER}</p> }.into_any()
            } else {
                view! {
                    <p>
                        <button type="button" class="button button--secondary" on:click=print>
                            "打印告知单"
                        </button>
                    </p>
                }
                    .into_any()
            }}
            <div class="field">
                <label for="share-link">
                    "分享链接（在其他手机或窗口打开，看到的是同一份清单）"
                </label>
                <div class="search__row">
                    <input id="share-link" type="text" readonly value=share.clone() />
                    <button type="button" class="button button--secondary" on:click=copy>
                        "复制"
                    </button>
                </div>
                {move || {
                    copied
                        .get()
                        .then(|| {
                            view! { <p class="hint">"链接已复制"</p> }
                        })
                }}
            </div>
        </section>
        <p class="print-only">{format!("本告知单网址：{share}")}</p>
        <p class="no-print">
            <a href=format!("{base}/apply{}", query(&effective, &[])) class="button button--start">
                "开始网上申请"
            </a>
        </p>
    }
}
