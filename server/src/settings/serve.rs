//! `bianmin serve`'s settings: where things are, the database, the limits of
//! connections, and the subsystems' settings flattened in.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;

use super::defaults::defaults;
use super::secret::Secret;
use super::{Limits, Notify, Retention, StorageSettings};

#[derive(Clone, Debug, Args)]
pub struct ServeSettings {
    /// Address to listen on.
    #[arg(long, env = "BIANMIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the SQLite database and uploaded files are kept.
    #[arg(long, env = "BIANMIN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The service catalog directory.
    #[arg(long, env = "BIANMIN_CATALOG", default_value = "./catalog")]
    pub catalog: PathBuf,
    /// The built app (`cargo xtask build` writes it).
    #[arg(long, env = "BIANMIN_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Blank forms and samples the catalog links to (default: `public/` beside the catalog).
    #[arg(long, env = "BIANMIN_PUBLIC_DIR")]
    pub public_dir: Option<PathBuf>,
    /// Database URL; default SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Holiday data, one `<year>.toml` per year (default: `calendar/` beside the catalog).
    #[arg(long, env = "BIANMIN_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Pretend today is this date (YYYY-MM-DD) for deadlines: for tests and demonstrations only.
    #[arg(long, env = "BIANMIN_TODAY", hide = true)]
    pub today: Option<String>,
    /// Status look-ups one client address may make per minute (per instance).
    #[arg(long, env = "BIANMIN_LOOKUPS_PER_MINUTE", default_value_t = 30)]
    pub lookups_per_minute: u32,
    /// Behind a reverse proxy on this machine (nginx): the same as
    /// `--trusted-proxies 127.0.0.0/8,::1`.
    #[arg(long, env = "BIANMIN_BEHIND_PROXY", default_value_t = false, action = clap::ArgAction::Set)]
    pub behind_proxy: bool,
    /// Our own reverse proxies (comma-separated addresses or ranges, e.g.
    /// `10.0.0.0/24`): only from these is `X-Forwarded-For` believed, read from
    /// the right past our own proxies.
    #[arg(long, env = "BIANMIN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// How old the public figures (`/api/figures`, 数据公开) may be, in seconds:
    /// computed over every case at most this often per instance (0: every request).
    #[arg(long, env = "BIANMIN_FIGURES_MAX_AGE_SECS", default_value_t = 60)]
    pub figures_max_age_secs: u64,
    /// Days after completion when a case the applicant did not rate is rated
    /// by default (满意, channel 默认评价), as the provinces' 好差评 rules say.
    #[arg(long, env = "BIANMIN_DEFAULT_RATING_DAYS", default_value_t = domain::case::rating::DEFAULT_AFTER_DAYS)]
    pub default_rating_days: u16,
    /// Apply pending database migrations at start-up (turn off when `bianmin migrate` runs at deploy time).
    #[arg(long, env = "BIANMIN_AUTO_MIGRATE", default_value_t = true, action = clap::ArgAction::Set)]
    pub auto_migrate: bool,
    #[command(flatten)]
    pub storage: StorageSettings,
    #[command(flatten)]
    pub limits: Limits,
    #[command(flatten)]
    pub retention: Retention,
    #[command(flatten)]
    pub notify: Notify,
    #[command(flatten)]
    pub documents: super::DocumentSettings,
    #[command(flatten)]
    pub sign_in: super::SignInSettings,
    #[command(flatten)]
    pub province: super::ProvinceSettings,
    /// The data key file (`<id> <algorithm> <base64 key>` a line, the first for new
    /// values); default `<data-dir>/data.key`, made on first start.
    #[arg(long, env = "BIANMIN_DATA_KEY_FILE")]
    pub data_key_file: Option<PathBuf>,
    /// The key file's content itself, instead of a file (for secret stores).
    #[arg(long, env = "BIANMIN_DATA_KEY", hide_env_values = true, hide = true)]
    pub data_key: Option<Secret>,
    /// Seconds a client has to send a request's headers (slow-header clients are cut off).
    #[arg(long, env = "BIANMIN_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Open connections at most (past it new ones are answered 503 with Retry-After).
    #[arg(long, env = "BIANMIN_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Open connections one client address may hold (a trusted proxy is not counted).
    #[arg(long, env = "BIANMIN_CONNECTIONS_PER_CLIENT", default_value_t = 64)]
    pub connections_per_client: usize,
    /// Requests under way at most; past it new ones are answered 503 with Retry-After.
    #[arg(long, env = "BIANMIN_MAX_IN_FLIGHT", default_value_t = 512)]
    pub max_in_flight: usize,
    /// The slowest a request body may come, on average, after its first 30 seconds
    /// (bytes a second; an upload from a phone on 2G sends ten times that).
    #[arg(long, env = "BIANMIN_BODY_MIN_BYTES_PER_SEC", default_value_t = 1024)]
    pub body_min_bytes_per_sec: u64,
    /// ClamAV's clamd, to scan every upload (`unix:<socket>` or `tcp:<host>:<port>`);
    /// without it files are marked "not scanned" for staff.
    #[arg(long, env = "BIANMIN_CLAMD")]
    pub clamd: Option<String>,
    /// Seconds a request body may send nothing before it is given up.
    #[arg(long, env = "BIANMIN_BODY_IDLE_SECS", default_value_t = 60)]
    pub body_idle_secs: u64,
    /// Seconds shutdown waits for requests under way before it cuts them.
    #[arg(long, env = "BIANMIN_SHUTDOWN_SECS", default_value_t = 30)]
    pub shutdown_secs: u64,
}

impl ServeSettings {
    /// The data keys these settings name.
    pub fn data_keys(&self) -> anyhow::Result<crate::at_rest::data_key::DataKeys> {
        crate::at_rest::data_key::DataKeys::load(
            self.data_key.as_ref().map(Secret::expose),
            self.data_key_file.as_deref(),
            &self.data_dir,
        )
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<crate::hosting::cidr::Cidr>> {
        let mut trusted = crate::hosting::cidr::parse_list(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?;
        if self.behind_proxy && trusted.is_empty() {
            trusted = crate::hosting::cidr::loopback();
        }
        Ok(trusted)
    }

    /// The accept loop's limits.
    pub fn connection_limits(&self) -> crate::hosting::serve::Limits {
        crate::hosting::serve::Limits {
            header_read: std::time::Duration::from_secs(self.header_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            per_client: self.connections_per_client.max(1),
            trusted: self.trusted_proxies().unwrap_or_default(),
            shutdown: std::time::Duration::from_secs(self.shutdown_secs),
        }
    }

    /// The virus scanner these settings name, if any.
    pub fn clamd(&self) -> anyhow::Result<Option<crate::apply::uploads::virus_scan::Clamd>> {
        self.clamd
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|text| crate::apply::uploads::virus_scan::Clamd::parse(text.trim()).map_err(anyhow::Error::msg))
            .transpose()
    }

    /// How fast request bodies must come.
    pub fn body_pace(&self) -> crate::hosting::body::Pace {
        crate::hosting::body::Pace {
            idle: std::time::Duration::from_secs(self.body_idle_secs.max(1)),
            grace: std::time::Duration::from_secs(30).min(std::time::Duration::from_secs(self.body_idle_secs.max(1))),
            min_bytes_per_sec: self.body_min_bytes_per_sec,
        }
    }
}
impl ServeSettings {
    /// Settings for a directory layout, with nothing taken from the environment.
    pub fn new(data_dir: PathBuf, catalog: PathBuf, dist: PathBuf) -> Self {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        Self { listen, data_dir, catalog, dist, ..defaults() }
    }

    pub fn calendar_dir(&self) -> PathBuf {
        match &self.calendar {
            Some(dir) => dir.clone(),
            None => self.catalog.parent().unwrap_or(Path::new(".")).join("calendar"),
        }
    }

    pub fn public_dir(&self) -> PathBuf {
        public_dir_for(&self.catalog, self.public_dir.as_deref())
    }

    pub fn database_url(&self) -> String {
        database_url(&self.data_dir, self.database_url.as_deref())
    }
}

/// The database URL: as given, or SQLite in the data directory.
pub fn database_url(data_dir: &Path, explicit: Option<&str>) -> String {
    match explicit {
        Some(url) => url.to_owned(),
        None => format!("sqlite://{}?mode=rwc", data_dir.join("bianmin.db").display()),
    }
}

/// `public/` beside the catalog directory unless told otherwise.
pub fn public_dir_for(catalog: &Path, explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(dir) => dir.to_path_buf(),
        None => catalog.parent().unwrap_or(Path::new(".")).join("public"),
    }
}
