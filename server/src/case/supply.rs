//! What the applicant supplies after submission: the materials a supplement
//! notice asked for (then the case goes back to the department), or 容缺
//! materials left for later. One check for single and joint cases; a joint
//! case's file goes to every part whose item uses the document.

use std::collections::BTreeMap;

use domain::apply::submission::{MaterialError, SubmissionProblems};
use domain::case::{Action, Actor};

use crate::AppState;
use crate::apply::application_key::ApplicationKey;
use crate::case::joint::{self, JointCase};
use crate::case::moves;
use crate::case::store::{CaseRow, NewFile, Step};
use crate::case::views::applicant_view;
use crate::error::ApiError;

/// Take the applicant's files for what the case asks now; the case as it is after.
pub async fn supply(
    state: &AppState,
    owner: &ApplicationKey,
    case: &CaseRow,
    request: &BTreeMap<String, Vec<String>>,
) -> Result<CaseRow, ApiError> {
    let view = applicant_view(state, case).await?;
    let Some((asked, resubmit)) = view.to_supply() else {
        let single_waiting = case.bundle().is_none() && view.status.takes_later_materials();
        return Err(ApiError::Conflict(if single_waiting {
            "这个办件现在没有需要补交的材料".to_owned()
        } else {
            format!("办件“{}”时不需要补交材料", view.status_label)
        }));
    };
    let asked: Vec<String> = asked.into_iter().map(|a| a.material).collect();
    let files = checked_files(state, owner, &case.item_code, &asked, resubmit, request).await?;
    let (action, label, note) = if resubmit {
        (Some(Action::Resubmit), Action::Resubmit.label(), None)
    } else {
        (None, "补交容缺材料", Some(format!("补交 {} 个文件", files.len())))
    };
    if case.bundle().is_none() {
        let step = Step { action: action.as_ref(), actor: &Actor::Applicant, label, note };
        return moves::record(state, case, step, &files).await;
    }
    // Every part whose item needs a document of that name gets the file under its own id.
    let whole = JointCase::of(state, case).await?;
    let mut by_part = Vec::new();
    for file in &files {
        let name = whole.detail.document_name(&file.material);
        for (i, part) in whole.parts.iter().enumerate().filter(|(_, p)| !p.status.is_final()) {
            let Some(item) = state.catalog.get(&part.item_code) else { continue };
            if let Some(own) = item.materials.iter().find(|m| m.name == name) {
                by_part.push((i, NewFile { material: own.id.clone(), ..file.clone() }));
            }
        }
    }
    let step = Step { action: action.as_ref(), actor: &Actor::Applicant, label, note };
    joint::record(state, case, step, &by_part).await
}

/// The uploads sent for `asked` (material ids of the item or bundle `code`),
/// each checked again; every problem at once.
async fn checked_files(
    state: &AppState,
    owner: &ApplicationKey,
    code: &str,
    asked: &[String],
    resubmit: bool,
    request: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<NewFile>, ApiError> {
    let mut problems = Vec::new();
    let mut wanted = BTreeMap::new();
    for (material, uploads) in request {
        if asked.contains(material) {
            wanted.insert(material.clone(), uploads.clone());
        } else {
            problems.push(MaterialError {
                material: material.clone(),
                message: "这项材料不在补交范围内，不用上传".to_owned(),
            });
        }
    }
    let (files, file_problems) = crate::apply::uploads::gather::gather(state, owner, code, &wanted).await?;
    problems.extend(file_problems);
    for id in asked {
        let Some(material) = state.catalog.material(code, id) else { continue };
        let have = files.iter().filter(|f| &f.material == id).count();
        if resubmit && have == 0 {
            problems
                .push(MaterialError {
                    material: id.clone(), message: format!("请上传补正后的“{}”", material.name)
                });
        }
        if let Err(message) = domain::apply::files::check_material_files(material, have) {
            problems.push(MaterialError { material: id.clone(), message });
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(MaterialError { material: asked[0].clone(), message: "请上传要补交的材料".to_owned() });
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(SubmissionProblems { fields: Vec::new(), materials: problems }));
    }
    Ok(files)
}
