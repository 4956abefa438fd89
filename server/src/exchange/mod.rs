//! Reporting every case to the provincial platform (GB/T 39046-2020). The
//! records `domain::case::exchange::map` makes of a submission and of each
//! move are rendered as the configured profile's rows or calls ([`national`],
//! [`acceptance`]) and written to the outbox in the case's own transaction
//! (channel `province`, [`enqueue`]); the outbox worker delivers them
//! ([`front_db`], [`http`]) once each, retrying with back-off while the
//! province is away.

pub mod acceptance;
pub mod audit;
pub mod column_map;
pub mod enqueue;
pub mod front_db;
pub mod http;
pub mod national;
pub mod ratings;
#[cfg(test)]
mod walked;

use anyhow::bail;
use domain::case::exchange::codes::Satisfaction;

use crate::catalog::Catalog;
use crate::settings::ProvinceSettings;

/// How records reach the province.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The national-format `up_pro_*` tables of a front database (前置库).
    NationalDb,
    /// A Ningbo-style acceptance platform over HTTP, which numbers cases itself.
    AcceptanceHttp,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Self::NationalDb => "national-db",
            Self::AcceptanceHttp => "acceptance-http",
        }
    }

    /// A satisfaction code as the profile's scale writes it: the standard's
    /// (`1` 非常满意) in the national tables, Zhejiang's (`5` 非常满意) on the platform.
    pub fn satisfaction(self, code: u8) -> Option<Satisfaction> {
        match self {
            Self::NationalDb => Satisfaction::of_code(code),
            Self::AcceptanceHttp => Satisfaction::of_overall(code),
        }
    }

    /// Whether the province gives each case its number (`getPId`), rather than Bianmin by a pattern.
    pub fn numbers_cases(self) -> bool {
        match self {
            Self::NationalDb => false,
            Self::AcceptanceHttp => true,
        }
    }
}

/// Where a profile's output goes.
enum Transport {
    FrontDb(front_db::FrontDb),
    Http(http::Platform),
}

/// The configured exchange.
pub struct Exchange {
    pub profile: Profile,
    /// The 证件类型 code of a credit code.
    pub credit_code_type: String,
    /// The province's own rating page, when applicants rate there.
    pub rating_page: Option<RatingPage>,
    transport: Transport,
}

/// The province's 好差评 page and the secret its ratings come back signed with.
pub struct RatingPage {
    pub url: String,
    pub secret: crate::settings::Secret,
}

impl RatingPage {
    /// The page for one case, coming back to `status_url`.
    pub fn for_case(&self, number: &str, code: &str, status_url: &str) -> String {
        let encode = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        self.url
            .replace("{number}", &encode(number))
            .replace("{code}", &encode(code))
            .replace("{return}", &encode(status_url))
    }
}

impl Exchange {
    /// The exchange the settings ask for, checked at start-up against the catalog.
    pub fn from_settings(settings: &ProvinceSettings, catalog: &Catalog) -> anyhow::Result<Option<Self>> {
        let profile = match settings.profile.as_str() {
            "" | "none" => return Ok(None),
            "national-db" => Profile::NationalDb,
            "acceptance-http" => Profile::AcceptanceHttp,
            other => bail!("BIANMIN_PROVINCE_PROFILE {other:?}: use none, national-db or acceptance-http"),
        };
        let numbered = settings.number.as_deref().is_some_and(|n| !n.trim().is_empty());
        match (profile.numbers_cases(), numbered) {
            (false, false) => bail!("reporting to the province needs its case numbers: set BIANMIN_PROVINCE_NUMBER"),
            (true, true) => bail!("the acceptance platform numbers cases itself: unset BIANMIN_PROVINCE_NUMBER"),
            (false, true) | (true, false) => {}
        }
        let lacking = catalog.exchange_problems();
        if !lacking.is_empty() {
            bail!("reporting to the province needs, in the catalog:\n{}", lacking.join("\n"));
        }
        let transport = match profile {
            Profile::NationalDb => {
                let Some(url) = &settings.front_database_url else {
                    bail!("BIANMIN_PROVINCE_PROFILE national-db needs BIANMIN_PROVINCE_DATABASE_URL");
                };
                let Some(dialect) = front_db::Dialect::of_url(url.expose()) else {
                    bail!("BIANMIN_PROVINCE_DATABASE_URL: a postgres:// or mysql:// address");
                };
                let map = match &settings.column_map {
                    Some(path) => column_map::ColumnMap::load(path, national::SCHEMA)?,
                    None => column_map::ColumnMap::default(),
                };
                sqlx::any::install_default_drivers();
                // Lazily: a province away at start-up only delays the records.
                let pool = sqlx::any::AnyPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(std::time::Duration::from_secs(5))
                    .connect_lazy(url.expose())?;
                Transport::FrontDb(front_db::FrontDb { pool, dialect, map })
            }
            Profile::AcceptanceHttp => {
                let (Some(endpoint), Some(app_key), Some(secret)) =
                    (&settings.endpoint, &settings.app_key, &settings.app_secret)
                else {
                    bail!(
                        "BIANMIN_PROVINCE_PROFILE acceptance-http needs BIANMIN_PROVINCE_ENDPOINT, \
                         BIANMIN_PROVINCE_APP_KEY and BIANMIN_PROVINCE_APP_SECRET"
                    );
                };
                if !endpoint.starts_with("https://") && !endpoint.starts_with("http://") {
                    bail!("BIANMIN_PROVINCE_ENDPOINT {endpoint:?} is not an http(s) address");
                }
                Transport::Http(http::Platform {
                    endpoint: endpoint.clone(),
                    app_key: app_key.clone(),
                    secret: secret.clone(),
                    charset: settings.encoding,
                })
            }
        };
        let rating_page = match (&settings.rating_url, &settings.rating_secret) {
            (None, _) => None,
            (Some(url), Some(secret)) if url.starts_with("https://") || url.starts_with("http://") => {
                if !url.contains("{number}") {
                    bail!("BIANMIN_PROVINCE_RATING_URL must name the case: {{number}}");
                }
                Some(RatingPage { url: url.clone(), secret: secret.clone() })
            }
            (Some(url), Some(_)) => bail!("BIANMIN_PROVINCE_RATING_URL {url:?} is not an http(s) address"),
            (Some(_), None) => bail!("BIANMIN_PROVINCE_RATING_URL needs BIANMIN_PROVINCE_RATING_SECRET"),
        };
        Ok(Some(Self { profile, credit_code_type: settings.credit_code_type.clone(), rating_page, transport }))
    }

    /// Deliver outbox row `id` of the province channel; what was done, in words.
    pub async fn deliver(
        &self,
        db: &sqlx::AnyPool,
        client: &reqwest::Client,
        id: &str,
        payload: &str,
    ) -> Result<String, crate::notify::Failure> {
        match &self.transport {
            Transport::FrontDb(front) => front.deliver(id, payload).await,
            Transport::Http(platform) => platform.deliver(db, client, id, payload).await,
        }
    }
}
