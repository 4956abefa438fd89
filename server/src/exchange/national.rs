//! The national-format front-database profile: each record as rows of the
//! `up_pro_*` tables (`national.sql` creates them), one row per record and
//! one `up_pro_material` row per material. The first record of a case
//! inserts its `up_pro_accept` row (`I`); acceptance changes it (`U`); every
//! step, procedure, result and rating is a row of its own.

use std::collections::BTreeMap;

use domain::case::exchange::codes::SpecialKind;
use domain::case::exchange::records::{Ending, Party, Record};

use crate::exchange::front_db::FrontRow;

/// The tables, as `national.sql` creates them (the province's DBA is given the file).
pub const SCHEMA: &str = include_str!("national.sql");

/// [`SCHEMA`] as `dialect` takes it: MySQL keys a row by a bounded text.
pub fn schema(dialect: crate::exchange::front_db::Dialect) -> String {
    match dialect {
        crate::exchange::front_db::Dialect::Postgres => SCHEMA.to_owned(),
        crate::exchange::front_db::Dialect::MySql => {
            SCHEMA.replace("sync_id TEXT PRIMARY KEY", "sync_id VARCHAR(96) PRIMARY KEY")
        }
    }
}

fn row(table: &str, operation: &str, columns: Vec<(&str, String)>) -> FrontRow {
    FrontRow {
        table: table.to_owned(),
        seq: 0,
        operation: operation.to_owned(),
        columns: columns.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<BTreeMap<_, _>>(),
    }
}

fn party(prefix: &str, p: &Party, credit_code_type: &str) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}_name"), p.name.clone()),
        (format!("{prefix}_id_type"), p.id_kind.code(credit_code_type).to_owned()),
        (format!("{prefix}_id_no"), p.id_number.clone()),
        (format!("{prefix}_phone"), p.phone.clone()),
    ]
}

/// The rows one record becomes, reporting the case's event `seq`.
pub fn rows(record: &Record, credit_code_type: &str, seq: i64) -> Vec<FrontRow> {
    let mut rows = of(record, credit_code_type);
    for row in &mut rows {
        row.seq = seq;
    }
    rows
}

fn of(record: &Record, credit_code_type: &str) -> Vec<FrontRow> {
    match record {
        Record::Application(a) => {
            let mut columns = vec![
                ("project_no", a.case_number.clone()),
                ("task_code", a.item_code.clone()),
                ("task_name", a.item_name.clone()),
                ("case_type", a.case_type.code().to_owned()),
                ("data_source", a.source.code().to_owned()),
                ("apply_date", a.applied_at.clone()),
                ("region_code", a.region.clone()),
                ("applyer_address", a.applicant.address.clone()),
                ("legal_man", a.applicant.legal_representative.clone().unwrap_or_default()),
            ];
            let mut owned: Vec<(String, String)> = party("applyer", &a.applicant, credit_code_type);
            if let Some(agent) = &a.agent {
                owned.extend(party("agent", agent, credit_code_type));
            }
            let owned: Vec<(&str, String)> = owned.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            columns.extend(owned);
            let mut out = vec![row("up_pro_accept", "I", columns)];
            for m in &a.materials {
                out.push(row(
                    "up_pro_material",
                    "I",
                    vec![
                        ("project_no", a.case_number.clone()),
                        ("material_name", m.name.clone()),
                        ("is_received", if m.received { "1" } else { "0" }.to_owned()),
                        ("receive_type", "2".to_owned()),
                        ("file_count", m.files.to_string()),
                        ("receive_date", a.applied_at.clone()),
                    ],
                ));
            }
            out
        }
        Record::Acceptance(a) => vec![row(
            "up_pro_accept",
            "U",
            vec![
                ("project_no", a.case_number.clone()),
                ("basic_code", a.basic_code.clone()),
                ("task_code", a.item_code.clone()),
                ("accept_dept", a.unit.clone()),
                ("accept_dept_code", a.unit_credit_code.clone()),
                ("accept_user", a.clerk.clone()),
                ("accept_date", a.at.clone()),
                ("accept_doc_no", a.document_number.clone()),
                ("promise_date", a.promised_by.clone().unwrap_or_default()),
                ("case_type", a.case_type.code().to_owned()),
                ("accept_result", if a.accepted { "0" } else { "1" }.to_owned()),
                ("not_accept_reason", a.reason.clone().unwrap_or_default()),
            ],
        )],
        Record::Handling(h) => vec![row(
            "up_pro_process",
            "I",
            vec![
                ("project_no", h.case_number.clone()),
                ("event_name", h.action.name().to_owned()),
                ("process_name", h.step.clone()),
                ("handle_explain", h.opinion.clone()),
                ("handle_user_name", h.handler.clone()),
                ("event_start_time", h.at.clone()),
                ("event_end_time", h.at.clone()),
                ("process_status", "2".to_owned()),
            ],
        )],
        Record::Special(s) => vec![row(
            "up_pro_special_procedure",
            // A pause is reported when it begins and changed when it ends; an extension once, given.
            if s.kind == SpecialKind::Other && s.ended_at.is_some() { "U" } else { "I" },
            vec![
                ("project_no", s.case_number.clone()),
                ("special_type", s.kind.code().to_owned()),
                ("special_name", s.name.clone()),
                ("special_reason", s.reason.clone()),
                ("special_user", s.approver.clone()),
                ("special_start_time", s.started_at.clone()),
                ("special_end_time", s.ended_at.clone().unwrap_or_default()),
                ("special_result", s.result.clone().unwrap_or_default()),
                ("special_days", s.days.map(|d| d.to_string()).unwrap_or_default()),
                ("special_dept", s.unit.clone()),
            ],
        )],
        Record::Completion(c) => {
            let certified = c.certificate.is_some();
            let (name, number, until) = c.certificate.clone().unwrap_or_default();
            // 长期有效 is written as the national lists do: 20991231.
            let valid = if certified { until.unwrap_or_else(|| "20991231".to_owned()) } else { String::new() };
            let result_type = match c.ending {
                Ending::Granted => "1",
                Ending::Denied => "2",
                Ending::Withdrawn => "3",
                Ending::Terminated => "4",
            };
            vec![row(
                "up_pro_result",
                "I",
                vec![
                    ("project_no", c.case_number.clone()),
                    ("result_type", result_type.to_owned()),
                    ("result_date", c.at.clone()),
                    ("result_explain", c.result.clone()),
                    ("result_user", c.handler.clone()),
                    ("result_doc_no", c.document_number.clone().unwrap_or_default()),
                    ("result_cetr_name", name),
                    ("result_cetr_no", number),
                    ("cetr_valid_date", valid),
                    ("cetr_dept", c.unit.clone()),
                    ("is_express", if c.posted { "1" } else { "0" }.to_owned()),
                    ("is_charge", if c.charged { "1" } else { "0" }.to_owned()),
                ],
            )]
        }
        Record::Evaluation(e) => vec![row(
            "up_pro_evaluate",
            "I",
            vec![
                ("project_no", e.case_number.clone()),
                ("eval_channel", e.channel.to_owned()),
                ("eval_date", e.at.clone()),
                ("eval_times", e.round.to_string()),
                ("satisfaction", e.satisfaction.code().to_string()),
                ("eval_reason", e.reason.clone()),
                ("eval_stage", if e.at_completion { "2" } else { "1" }.to_owned()),
            ],
        )],
    }
}

#[cfg(test)]
mod tests {
    /// Every row the walked case produces, one JSON line each.
    #[test]
    fn the_national_profile_writes_a_walked_case_as_its_golden_file_says() {
        let mut lines = String::new();
        for (seq, record) in crate::exchange::walked::records() {
            for row in super::rows(&record, "001", seq) {
                lines.push_str(&serde_json::to_string(&row).unwrap());
                lines.push('\n');
            }
        }
        crate::exchange::walked::golden("national-db.jsonl", &lines);
    }
}
