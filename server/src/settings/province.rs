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
    /// How records reach the province: `none` (default), `national-db` (the
    /// national-format `up_pro_*` tables of a front database) or
    /// `acceptance-http` (a Ningbo-style acceptance platform, which numbers
    /// each case itself: `getPId`, then `register`, `accept`, `handler`, `over`, `evaluate`).
    #[arg(long = "province-profile", env = "BIANMIN_PROVINCE_PROFILE", default_value = "none")]
    pub profile: String,
    /// The front database's URL (`postgres://…` or `mysql://…`), for `national-db`.
    #[arg(long = "province-database-url", env = "BIANMIN_PROVINCE_DATABASE_URL", hide_env_values = true)]
    pub front_database_url: Option<super::Secret>,
    /// The province's own names for the front tables and columns (a TOML
    /// file: `[tables]`, `[columns.<table>]`, `[sync]`); unset, the national names.
    #[arg(long = "province-column-map", env = "BIANMIN_PROVINCE_COLUMN_MAP")]
    pub column_map: Option<std::path::PathBuf>,
    /// The acceptance platform's address, for `acceptance-http`: each call is a
    /// POST to `<endpoint>/<method>`.
    #[arg(long = "province-endpoint", env = "BIANMIN_PROVINCE_ENDPOINT")]
    pub endpoint: Option<String>,
    /// The centre's key (appKey) on the acceptance platform.
    #[arg(long = "province-app-key", env = "BIANMIN_PROVINCE_APP_KEY")]
    pub app_key: Option<String>,
    /// The secret that signs each call (HMAC-SHA256), given with the key.
    #[arg(long = "province-app-secret", env = "BIANMIN_PROVINCE_APP_SECRET", hide_env_values = true)]
    pub app_secret: Option<super::Secret>,
    /// The character encoding the platform reads and answers in: `gb18030`
    /// (default, as most provincial platforms) or `utf-8`.
    #[arg(long = "province-encoding", env = "BIANMIN_PROVINCE_ENCODING", value_enum, default_value = "gb18030")]
    pub encoding: Charset,
    /// The province's own 好差评 page, opened instead of Bianmin's rating form:
    /// `{number}` the province's case number, `{code}` the 实施编码, `{return}`
    /// the status page to come back to (each URL-encoded). Unset, Bianmin's form.
    #[arg(long = "province-rating-url", env = "BIANMIN_PROVINCE_RATING_URL")]
    pub rating_url: Option<String>,
    /// The secret the province signs each rating it sends back with (HMAC-SHA256 of the body).
    #[arg(long = "province-rating-secret", env = "BIANMIN_PROVINCE_RATING_SECRET", hide_env_values = true)]
    pub rating_secret: Option<super::Secret>,
    /// The 证件类型 code the province gives a unified social credit code (most use `001`).
    #[arg(long = "province-credit-code-type", env = "BIANMIN_PROVINCE_CREDIT_CODE_TYPE", default_value = "001")]
    pub credit_code_type: String,
}

/// The character encodings an acceptance platform may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Charset {
    #[value(name = "gb18030")]
    Gb18030,
    #[value(name = "utf-8")]
    Utf8,
}

impl Charset {
    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            Self::Gb18030 => encoding_rs::GB18030,
            Self::Utf8 => encoding_rs::UTF_8,
        }
    }

    /// As the request's `charset` says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Gb18030 => "GB18030",
            Self::Utf8 => "UTF-8",
        }
    }
}

impl Default for ProvinceSettings {
    fn default() -> Self {
        super::defaults::defaults()
    }
}
