//! A joint case as the applicant sees it (the whole in plain words, each part,
//! one timeline, one notice) and as the lead and the departments see it.

use domain::case::document::DocumentRef;
use domain::case::joint::{JointStatus, Target};
use domain::case::rating::Stage;
use domain::case::view::{CaseView, MaterialAsk, PartView, StaffCase};

use crate::AppState;
use crate::case::joint::JointCase;
use crate::case::moves::enforce_joint_deadlines;
use crate::case::store::{self as cases, CaseRow};
use crate::case::views::single::{clock, single_staff_view};
use crate::error::ApiError;

/// A part as the applicant sees it.
fn part_view(state: &AppState, part: &CaseRow) -> Result<PartView, ApiError> {
    let (remaining_days, light) = clock(state, part);
    Ok(PartView {
        item_code: part.item_code.clone(),
        item_name: part.title(state)?,
        department: part.department.clone(),
        status: part.status,
        status_label: part.status.label().to_owned(),
        due: part.due_on,
        remaining_days,
        light,
        result: part.result.clone(),
        decision: part.decision.clone(),
    })
}

/// The whole's documents and each department's own (its refusal or decision), by date.
async fn documents_of(state: &AppState, joint: &JointCase<'_>) -> Result<Vec<DocumentRef>, ApiError> {
    let mut all = crate::case::store::documents::of_case(state, &joint.whole.case_number).await?;
    for part in &joint.parts {
        all.extend(crate::case::store::documents::of_case(state, &part.case_number).await?);
    }
    all.sort_by(|a, b| (a.issued_on, &a.number).cmp(&(b.issued_on, &b.number)));
    Ok(all)
}

/// A bundle's document asked for on the status page (`CODE.material`), with
/// the catalog's definition under the same key.
fn document_ask(detail: &domain::catalog::bundle::BundleDetail, key: String, reason: String) -> MaterialAsk {
    let definition = detail.document(&key).map(|m| domain::Material { id: key.clone(), ..m.clone() });
    let name = definition.as_ref().map_or_else(|| key.clone(), |m| m.name.clone());
    MaterialAsk { name, material: key, reason, definition }
}

/// What the applicant sees of a joint case: the whole in plain words, each
/// part, one timeline, one notice of every department's supplements.
pub async fn applicant_view(state: &AppState, whole: &CaseRow) -> Result<CaseView, ApiError> {
    enforce_joint_deadlines(state, whole).await?;
    let joint = JointCase::of(state, whole).await?;
    let whole = &joint.whole;
    let status = joint.state(state).status();
    let (remaining_days, light) = clock(state, whole);
    let mut later: Vec<MaterialAsk> = Vec::new();
    let mut later_due = None;
    for part in joint.parts.iter().filter(|p| p.status.takes_later_materials()) {
        for id in cases::outstanding_later(state, part).await? {
            let Some(key) = joint.detail.document_key(&part.item_code, &id) else { continue };
            if !later.iter().any(|m| m.material == key) {
                later.push(document_ask(joint.detail, key, String::new()));
            }
            later_due = match (later_due, part.later_due(state)) {
                (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                (a, b) => a.or(b),
            };
        }
    }
    let mut supplement: Vec<MaterialAsk> = Vec::new();
    if status == JointStatus::NeedsSupplement {
        for ask in whole.stage_and_notice().1 {
            let Some(key) = joint.detail.document_key(&ask.item, &ask.material) else { continue };
            let reason = format!("{}：{}", ask.department, ask.reason);
            match supplement.iter_mut().find(|m| m.material == key) {
                Some(existing) => existing.reason = format!("{}；{reason}", existing.reason),
                None => supplement.push(document_ask(joint.detail, key, reason)),
            }
        }
    }
    let ratings = cases::ratings::of_case(state, &whole.case_number).await?;
    let whole_status = status.as_case_status();
    let results: Vec<String> = joint
        .parts
        .iter()
        .filter_map(|p| p.result.as_ref().map(|r| format!("{}：{r}", p.title(state).unwrap_or_default())))
        .collect();
    Ok(CaseView {
        case_number: whole.case_number.clone(),
        // Each part has the province's number; the whole is Bianmin's.
        province_number: None,
        province_pending: false,
        // Rated on Bianmin as a whole, reported for each part.
        province_rating_url: None,
        item_code: joint.detail.bundle.code.clone(),
        item_name: joint.detail.bundle.name.clone(),
        department: whole.department.clone(),
        consult_phone: joint.detail.lead_item().map(|i| i.consult_phone.clone()).unwrap_or_default(),
        complaint_phone: joint.detail.lead_item().map(|i| i.complaint_phone.clone()).unwrap_or_default(),
        status: status.as_case_status(),
        status_label: status.label().to_owned(),
        next_step: status.next_step().to_owned(),
        submitted_at: whole.submitted_at.clone(),
        promised_limit_days: whole.promised_days,
        accepted_on: whole.accepted_on,
        due: whole.due_on,
        remaining_days,
        light,
        timeline: cases::events(state, &whole.case_number).await?,
        supplement,
        supply_by: whole.supply_by.filter(|_| status == JointStatus::NeedsSupplement),
        later_due: later_due.filter(|_| !later.is_empty()),
        later,
        result: (!results.is_empty()).then(|| results.join("；")),
        decision: None,
        documents: documents_of(state, &joint).await?,
        can_withdraw: status.as_case_status().may_withdraw(),
        can_rate: ratings.next_round(whole_status, Stage::Completion).is_ok(),
        rating: ratings.standing(Stage::Completion),
        can_rate_acceptance: ratings.next_round(whole_status, Stage::Acceptance).is_ok(),
        acceptance_rating: ratings.standing(Stage::Acceptance),
        parts: joint.parts.iter().map(|p| part_view(state, p)).collect::<Result<_, _>>()?,
        on_behalf: whole.application.form.on_behalf(),
    })
}

/// What staff see of a whole (the lead: every part side by side) or of a part.
pub async fn staff_view(state: &AppState, case: &CaseRow) -> Result<StaffCase, ApiError> {
    let joint = JointCase::of(state, case).await?;
    let shape = joint.state(state);
    let target = joint.target(case);
    let actions = |target, department: &str| -> Vec<String> {
        shape.staff_actions(target, department).into_iter().map(str::to_owned).collect()
    };
    // Before acceptance the co-departments answer the lead by this day.
    let consult_by = (!shape.accepted()).then(|| joint.consult_by(state));
    let consult = |i: usize| shape.parts.get(i).map(|p| p.consult);
    let Target::Whole = target else {
        let mut view = single_staff_view(state, case).await?;
        view.actions = actions(target, &case.department);
        view.joint_number = Some(joint.whole.case_number.clone());
        view.pending = case.pending().to_vec();
        if let Target::Part(i) = target {
            (view.consult, view.consult_by) = (consult(i), consult_by);
        }
        return Ok(view);
    };
    let whole = &joint.whole;
    let status = shape.status();
    let (_, light) = clock(state, whole);
    let mut view = StaffCase {
        case_number: whole.case_number.clone(),
        province_number: None,
        province_pending: false,
        item_code: joint.detail.bundle.code.clone(),
        item_name: joint.detail.bundle.name.clone(),
        department: whole.department.clone(),
        status: status.as_case_status(),
        status_label: status.label().to_owned(),
        submitted_at: whole.submitted_at.clone(),
        accepted_on: whole.accepted_on,
        due: whole.due_on,
        light: light.or_else(|| whole.answer_light(state)),
        answer_by: whole.answer_by(state),
        decision: None,
        application: whole.application.clone(),
        files: Vec::new(),
        supplement: Vec::new(),
        supply_by: whole.supply_by.filter(|_| status == JointStatus::NeedsSupplement),
        consult: None,
        consult_by,
        timeline: cases::events(state, &whole.case_number).await?,
        actions: actions(Target::Whole, &whole.department),
        joint_number: None,
        parts: Vec::new(),
        notice: whole.stage_and_notice().1.to_vec(),
        pending: Vec::new(),
        notifications: crate::notify::outbox::of_case(&state.db, &whole.case_number).await?,
        work_orders: crate::case::store::work_orders::of_case(state, &whole.case_number).await?,
        documents: crate::case::store::documents::of_case(state, &whole.case_number).await?,
    };
    for (i, part) in joint.parts.iter().enumerate() {
        let mut part_view = single_staff_view(state, part).await?;
        part_view.actions = actions(Target::Part(i), &part.department);
        part_view.joint_number = Some(whole.case_number.clone());
        part_view.pending = part.pending().to_vec();
        (part_view.consult, part_view.consult_by) = (consult(i), consult_by);
        view.parts.push(part_view);
    }
    Ok(view)
}
