//! The province's number of a case (办件编号), made in the case's own
//! transaction by the province's pattern (`BIANMIN_PROVINCE_NUMBER`): the
//! day's serial per prefix is one counter every instance shares, moved by
//! one upsert, so two instances never hand out the same number and a
//! rolled-back submission leaves only a gap.

use anyhow::bail;
use domain::case::exchange::number::{NumberFacts, Pattern};
use sqlx::Row;

use crate::AppState;
use crate::catalog::Catalog;
use crate::error::ApiError;
use crate::settings::ProvinceSettings;

/// The pattern the settings give, checked against the catalog at start-up:
/// every item must have what it names (基本编码, the unit's codes).
pub fn pattern(settings: &ProvinceSettings, catalog: &Catalog) -> anyhow::Result<Option<Pattern>> {
    let Some(text) = settings.number.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let pattern = Pattern::parse(text).map_err(|why| anyhow::anyhow!("BIANMIN_PROVINCE_NUMBER: {why}"))?;
    let (basic, unit) = pattern.needs();
    let mut lacking = Vec::new();
    for item in &catalog.items {
        if basic && item.basic_code.trim().is_empty() {
            lacking.push(format!("{}：没有基本编码（basic_code）", item.code));
        }
        if unit && catalog.departments.get(&item.department).is_none() {
            lacking.push(format!("{}：实施主体“{}”不在 departments.toml 里", item.code, item.department));
        }
    }
    if !lacking.is_empty() {
        bail!("BIANMIN_PROVINCE_NUMBER “{text}” needs, in the catalog:\n{}", lacking.join("\n"));
    }
    Ok(Some(pattern))
}

/// Give the new case of `item_code` its province number, and say it (none without a pattern).
pub async fn assign(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case_number: &str,
    item_code: &str,
) -> Result<Option<String>, ApiError> {
    let Some(pattern) = &state.province_number else { return Ok(None) };
    let item = state
        .catalog
        .get(item_code)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no item {item_code} to number a case by")))?;
    let unit = state.catalog.departments.get(&item.department);
    let facts = NumberFacts {
        code: &item.code,
        basic: &item.basic_code,
        credit: unit.map_or("", |u| u.credit_code.as_str()),
        region: unit.map_or("", |u| u.region.as_str()),
        date: state.today(),
    };
    let prefix = pattern.prefix(&facts);
    let row = sqlx::query(
        "INSERT INTO province_serials (prefix, last) VALUES ($1, 1) \
         ON CONFLICT (prefix) DO UPDATE SET last = province_serials.last + 1 RETURNING last",
    )
    .bind(&prefix)
    .fetch_one(&mut **tx)
    .await?;
    let serial = u64::try_from(row.try_get::<i64, _>("last")?).unwrap_or(0);
    let Some(number) = pattern.number(&prefix, serial) else {
        tracing::error!(item = item_code, "the day's province case numbers are used up");
        return Err(ApiError::Unavailable("今天这个事项的办件编号已用完，请明天再提交，或联系窗口".to_owned()));
    };
    sqlx::query("UPDATE cases SET province_number = $1 WHERE case_number = $2")
        .bind(&number)
        .bind(case_number)
        .execute(&mut **tx)
        .await?;
    Ok(Some(number))
}

/// A stored case's province number: read from its row, and the outbox asked
/// only where the province gives numbers and this one has not come yet.
pub async fn of_row(state: &AppState, case: &crate::case::store::CaseRow) -> Result<Numbered, ApiError> {
    let asks = state.exchange.as_ref().is_some_and(|e| e.profile.numbers_cases());
    match (&case.province_number, asks) {
        (Some(number), _) => Ok(Numbered { number: Some(number.clone()), pending: false }),
        (None, true) => of(&state.db, &case.case_number).await,
        (None, false) => Ok(Numbered { number: None, pending: false }),
    }
}

/// The number alone (none while it is to come, or without reporting).
pub async fn number(tx: &mut sqlx::Transaction<'_, sqlx::Any>, case_number: &str) -> Result<Option<String>, ApiError> {
    let row = sqlx::query("SELECT province_number FROM cases WHERE case_number = $1")
        .bind(case_number)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("province_number")?)
}

/// A case's province number, and whether it is still to come from the province.
pub struct Numbered {
    pub number: Option<String>,
    /// Asked for (`getPId`) and not given yet.
    pub pending: bool,
}

/// The province number of a case (none without reporting), read on `db` (a
/// pool, or the transaction that just made the case).
pub async fn of<'e, E>(db: E, case_number: &str) -> Result<Numbered, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT province_number, (SELECT COUNT(*) FROM outbox o WHERE o.case_number = c.case_number \
         AND o.channel = 'province' AND o.event = '赋码') AS asked FROM cases c WHERE c.case_number = $1",
    )
    .bind(case_number)
    .fetch_one(db)
    .await?;
    let number: Option<String> = row.try_get("province_number")?;
    let pending = number.is_none() && row.try_get::<i64, _>("asked")? > 0;
    Ok(Numbered { number, pending })
}
