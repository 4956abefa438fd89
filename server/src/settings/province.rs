//! Reporting cases to the provincial platform (GB/T 39046): how a case's
//! provincial number (办件编号) is made, and where its records go. Unset,
//! cases carry only Bianmin's own short number and nothing is reported.

use clap::Args;

#[derive(Clone, Debug, Args)]
pub struct ProvinceSettings {
    /// The province's case-number pattern, e.g. `{code}{date}{serial:4}`:
    /// `{code}` 实施编码, `{basic}` 基本编码, `{credit}` and `{region}` the deciding
    /// unit's codes (`catalog/departments.toml`), `{date}` YYYYMMDD, `{serial:N}`
    /// the day's serial, N digits, last.
    #[arg(long = "province-number", env = "BIANMIN_PROVINCE_NUMBER")]
    pub number: Option<String>,
    /// How records reach the province: `none` (default) or `national-db` (the
    /// national-format `up_pro_*` tables of a front database).
    #[arg(long = "province-profile", env = "BIANMIN_PROVINCE_PROFILE", default_value = "none")]
    pub profile: String,
    /// The front database's URL (PostgreSQL), for `national-db`.
    #[arg(long = "province-database-url", env = "BIANMIN_PROVINCE_DATABASE_URL", hide_env_values = true)]
    pub front_database_url: Option<super::Secret>,
    /// The 证件类型 code the province gives a unified social credit code (most use `001`).
    #[arg(long = "province-credit-code-type", env = "BIANMIN_PROVINCE_CREDIT_CODE_TYPE", default_value = "001")]
    pub credit_code_type: String,
}

impl Default for ProvinceSettings {
    fn default() -> Self {
        super::defaults::defaults()
    }
}
