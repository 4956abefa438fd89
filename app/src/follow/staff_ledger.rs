//! 导出台账 on the case list: the department's ledger for a period, as CSV or
//! an Excel workbook, fetched with the token and saved (the address holds
//! only the dates).

use domain::case::ledger::{LedgerFormat, period_problem};
use domain::time::date::Date;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::components::alert::ErrorNotice;
use crate::follow::documents::save_blob;
use crate::follow::staff_session::token;

/// This month so far in China (cases are dated by Beijing days), as the default period.
fn this_month() -> (Date, Date) {
    let beijing_ms = js_sys::Date::now() + 8.0 * 3_600_000.0;
    let today = Date::from_days((beijing_ms / 86_400_000.0).floor() as i64);
    (today.add_days(1 - i64::from(today.day)), today)
}

#[component]
pub fn LedgerExport(department: String) -> impl IntoView {
    let (first, today) = this_month();
    let from = RwSignal::new(first.to_string());
    let to = RwSignal::new(today.to_string());
    let format = RwSignal::new(LedgerFormat::Csv);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let export = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(start), Some(end)) = (Date::parse(&from.get_untracked()), Date::parse(&to.get_untracked())) else {
            problem.set(Some("请选择开始日期和结束日期".to_owned()));
            return;
        };
        if let Some(why) = period_problem(start, end) {
            problem.set(Some(why));
            return;
        }
        let (kind, extension) = match format.get_untracked() {
            LedgerFormat::Csv => ("csv", "csv"),
            LedgerFormat::Xlsx => ("xlsx", "xlsx"),
        };
        let url = format!("/api/staff/ledger?from={start}&to={end}&format={kind}");
        let name = format!("{department}台账{start}至{end}.{extension}");
        busy.set(true);
        spawn_local(async move {
            match api::download(&token().unwrap_or_default(), &url).await {
                Ok(blob) => {
                    problem.set(None);
                    save_blob(&blob, &name);
                }
                Err(error) => problem.set(Some(error.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="ledger">
            <summary>"导出台账"</summary>
            <form class="ledger__form" on:submit=export novalidate>
                <p class="hint">
                    "按提交日期导出本部门的办件台账，一件一行（申请人姓名、证件号码已打码）。"
                </p>
                <div class="filters filters--three">
                    <div class="field">
                        <label for="ledger-from">"开始日期"</label>
                        <input
                            id="ledger-from"
                            type="date"
                            prop:value=move || from.get()
                            on:input=move |ev| from.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="ledger-to">"结束日期"</label>
                        <input
                            id="ledger-to"
                            type="date"
                            prop:value=move || to.get()
                            on:input=move |ev| to.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="ledger-format">"格式"</label>
                        <select
                            id="ledger-format"
                            on:change=move |ev| {
                                format
                                    .set(
                                        if event_target_value(&ev) == "xlsx" {
                                            LedgerFormat::Xlsx
                                        } else {
                                            LedgerFormat::Csv
                                        },
                                    )
                            }
                        >
                            <option value="csv">"CSV（表格软件都能打开）"</option>
                            <option value="xlsx">"Excel 工作簿"</option>
                        </select>
                    </div>
                </div>
                <ErrorNotice message=problem />
                <button type="submit" class="button button--secondary" disabled=move || busy.get()>
                    "导出台账"
                </button>
            </form>
        </details>
    }
}
