//! Reporting every case to the provincial platform (GB/T 39046-2020). The
//! records `domain::case::exchange::map` makes of a submission and of each
//! move are rendered as the configured profile's rows ([`national`]) and
//! written to the outbox in the case's own transaction (channel `province`,
//! [`enqueue`]); the outbox worker delivers them ([`front_db`]) once each,
//! retrying with back-off while the province is away.

pub mod audit;
pub mod enqueue;
pub mod front_db;
pub mod national;

use anyhow::bail;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::settings::ProvinceSettings;

/// How records reach the province.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The national-format `up_pro_*` tables of a front database (前置库).
    NationalDb,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Self::NationalDb => "national-db",
        }
    }
}

/// One row for a front database's table: the profile names the table and
/// columns (never the applicant), the values are text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontRow {
    pub table: String,
    /// The case's event it reports (0: the submission), so the province applies rows in order.
    pub seq: i64,
    /// `I` a new row, `U` a change to the case's earlier row.
    pub operation: String,
    pub columns: std::collections::BTreeMap<String, String>,
}

/// The configured exchange.
pub struct Exchange {
    pub profile: Profile,
    /// The 证件类型 code of a credit code.
    pub credit_code_type: String,
    pool: sqlx::AnyPool,
}

impl Exchange {
    /// The exchange the settings ask for, checked at start-up against the catalog.
    pub fn from_settings(settings: &ProvinceSettings, catalog: &Catalog) -> anyhow::Result<Option<Self>> {
        let profile = match settings.profile.as_str() {
            "" | "none" => return Ok(None),
            "national-db" => Profile::NationalDb,
            other => bail!("BIANMIN_PROVINCE_PROFILE {other:?}: use none or national-db"),
        };
        let Some(url) = &settings.front_database_url else {
            bail!("BIANMIN_PROVINCE_PROFILE national-db needs BIANMIN_PROVINCE_DATABASE_URL");
        };
        if settings.number.as_deref().is_none_or(|n| n.trim().is_empty()) {
            bail!("reporting to the province needs its case numbers: set BIANMIN_PROVINCE_NUMBER");
        }
        let lacking = catalog.exchange_problems();
        if !lacking.is_empty() {
            bail!("reporting to the province needs, in the catalog:\n{}", lacking.join("\n"));
        }
        sqlx::any::install_default_drivers();
        // Lazily: a province away at start-up only delays the records.
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_lazy(url.expose())?;
        Ok(Some(Self { profile, credit_code_type: settings.credit_code_type.clone(), pool }))
    }
}
