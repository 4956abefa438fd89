//! 数据公开: the centre's figures from the ledger, overall and per department,
//! as the seeds publish them (received, completed, on the spot, on time,
//! average working days against the promise, satisfaction).

use domain::case::view::Figures;
use leptos::prelude::*;

use crate::api;
use crate::components::load_error::LoadError;
use crate::shell::load::{Load, load};
use crate::shell::set_title;

fn percent(value: Option<f64>) -> String {
    value.map_or("—".to_owned(), |v| format!("{v:.1}%"))
}

fn days(value: Option<f64>) -> String {
    value.map_or("—".to_owned(), |v| format!("{v:.1} 个工作日"))
}

#[component]
fn FigureCard(figures: Figures, overall: bool) -> impl IntoView {
    let rows = [
        ("受理", format!("{} 件", figures.received)),
        ("办结", format!("{} 件", figures.completed)),
        ("当场办结（即办）", percent(figures.on_the_spot_percent)),
        ("按时办结率", percent(figures.on_time_percent)),
        ("平均用时", days(figures.average_days)),
        ("平均承诺时限", days(figures.average_promised_days)),
        ("满意率", format!("{}（{} 条评价）", percent(figures.satisfaction_percent), figures.ratings)),
        ("一次告知率", format!("{}（{} 件补正）", percent(figures.one_notice_percent), figures.supplemented)),
        (
            "差评和投诉",
            format!(
                "{} 件，超期答复 {} 件，平均 {} 答复",
                figures.work_orders,
                figures.overdue_work_orders,
                days(figures.average_reply_days)
            ),
        ),
    ];
    view! {
        <section
            class=if overall { "card figures figures--overall" } else { "card figures" }
            aria-label=figures.department.clone()
        >
            <h2 class="card__title">{if overall { "全部部门".to_owned() } else { figures.department.clone() }}</h2>
            <dl class="answers">
                {rows
                    .into_iter()
                    .map(|(label, value)| {
                        view! {
                            <div>
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    set_title("数据公开");
    let figures = load(api::figures);
    view! {
        <p class="back">
            <a href="/">"返回首页"</a>
        </p>
        <h1>"数据公开"</h1>
        <p class="hint">
            "按办件台账实时统计。按时办结率、当场办结率按已办结的办件计算；满意率按“基本满意”及以上计算；一次告知率是需要补正的办件中只告知过一次的比例。"
        </p>
        {move || match figures.state.get() {
            Load::Loading => view! { <p class="loading">"正在加载……"</p> }.into_any(),
            Load::Failed(error) => view! { <LoadError error retry=move || figures.retry() /> }.into_any(),
            Load::Loaded(all) => {
                view! {
                    <FigureCard figures=all.overall overall=true />
                    {all
                        .departments
                        .into_iter()
                        .map(|f| view! { <FigureCard figures=f overall=false /> })
                        .collect_view()}
                }
                    .into_any()
            }
        }}
    }
}
