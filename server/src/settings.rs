//! Command line and environment: every setting is a flag with an environment twin.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "bianmin", version, about = "便民：政务服务网上办事")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the built app.
    Serve(Box<ServeSettings>),
    /// Work with the service catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Check the holiday data (one `<year>.toml` per year); exits non-zero on any problem.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Apply pending database migrations, then exit.
    Migrate {
        /// Where the SQLite database is kept.
        #[arg(long, env = "BIANMIN_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Database URL; default SQLite in the data directory.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Notifications not delivered yet: list them, or send dead ones again.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// SMS: the template texts a centre registers with its provider.
    Sms {
        #[command(subcommand)]
        command: SmsCommand,
    },
    /// Department tokens for the staff API.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// The data key: add a new one, or seal everything again with the current one.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print or export the access log (who read which case or file, when, from where).
    Audit {
        /// Only this case.
        #[arg(long)]
        case: Option<String>,
        /// Only from this time on (YYYY-MM-DD, or RFC 3339 UTC).
        #[arg(long)]
        since: Option<String>,
        /// `text` (default) or `csv`.
        #[arg(long, default_value = "text")]
        format: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Put a new key first in the key file: new values are sealed with it from
    /// the next start; run `keys rotate` afterwards to seal the old ones again.
    Add {
        /// The key file (default `<data-dir>/data.key`).
        #[arg(long, env = "BIANMIN_DATA_KEY_FILE")]
        data_key_file: Option<PathBuf>,
        /// `sm4-gcm` (default) or `aes-256-gcm`.
        #[arg(long, default_value = "sm4-gcm")]
        algorithm: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Seal every stored value again with the current key.
    Rotate {
        #[arg(long, env = "BIANMIN_DATA_KEY_FILE")]
        data_key_file: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Where the database is (for the commands that only need it).
#[derive(Clone, Debug, Args)]
pub struct DatabaseArgs {
    /// Where the SQLite database is kept.
    #[arg(long, env = "BIANMIN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL; default SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn url(&self) -> String {
        database_url(&self.data_dir, self.database_url.as_deref())
    }
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Check every year file and report every problem.
    Check {
        /// The calendar directory.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Every undelivered (pending) and dead notification: id, case, channel, to whom, event, state, attempts, next try, last error.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Send dead notifications again from the first attempt: one by id, or all of them.
    Retry {
        /// The notification's id (as `list` shows it); without it, every dead one.
        id: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SmsCommand {
    /// Each notice event's template text, to register with the provider (then name their ids in --sms-templates).
    Templates {
        /// `aliyun` (`${item}` variables) or `tencent` (`{1}` variables).
        #[arg(long, env = "BIANMIN_SMS_PROVIDER", default_value = "aliyun")]
        sms_provider: String,
        /// The address applicants open the app at: the status links are written into the templates.
        #[arg(long, env = "BIANMIN_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Make a token for a department's approval system or console; prints it once.
    AddToken {
        /// The department, exactly as the catalog names it (e.g. 县交通运输局).
        #[arg(long)]
        department: String,
        /// Who holds the token: a person (科员 张三) or a system (审批系统); it is
        /// written in the access log and the case events.
        #[arg(long, default_value = "审批系统")]
        label: String,
        /// Days until the token expires (0: never).
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List every token: id, department, label, made, expires, last used, state.
    ListTokens {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a token by its id (from list-tokens): it is refused from now on.
    RevokeToken {
        id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Replace a token by its id with a new one for the same department and label.
    RotateToken {
        id: String,
        /// Days until the new token expires (0: never).
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check every catalog file and report every problem; exits non-zero on any.
    Check {
        /// The catalog directory.
        dir: PathBuf,
        /// Where blank forms and samples live (default: `public/` beside the catalog).
        #[arg(long, env = "BIANMIN_PUBLIC_DIR")]
        public_dir: Option<PathBuf>,
    },
    /// Read a workbook in the 实施清单 layout (sheets 事项 and 材料) and write one
    /// TOML file per item into `--out`; every cell that cannot be read is reported.
    Import {
        /// The .xlsx workbook.
        file: PathBuf,
        /// The directory the item files are written to (made when missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the catalog as a workbook in the 实施清单 layout.
    Export {
        /// The catalog directory.
        dir: PathBuf,
        /// The .xlsx file to write.
        #[arg(long)]
        out: PathBuf,
        /// Where blank forms and samples live (default: `public/` beside the catalog).
        #[arg(long, env = "BIANMIN_PUBLIC_DIR")]
        public_dir: Option<PathBuf>,
    },
}

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
    /// Days a draft is kept after its last save (0: drafts expire at once).
    #[arg(long, env = "BIANMIN_DRAFT_DAYS", default_value_t = 30)]
    pub draft_days: u32,
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
    /// The data key file (`<id> <algorithm> <base64 key>` a line, the first for new
    /// values); default `<data-dir>/data.key`, made on first start.
    #[arg(long, env = "BIANMIN_DATA_KEY_FILE")]
    pub data_key_file: Option<PathBuf>,
    /// The key file's content itself, instead of a file (for secret stores).
    #[arg(long, env = "BIANMIN_DATA_KEY", hide_env_values = true, hide = true)]
    pub data_key: Option<String>,
    /// Seconds a client has to send a request's headers (slow-header clients are cut off).
    #[arg(long, env = "BIANMIN_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Open connections at most (more wait to be accepted).
    #[arg(long, env = "BIANMIN_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds shutdown waits for requests under way before it cuts them.
    #[arg(long, env = "BIANMIN_SHUTDOWN_SECS", default_value_t = 30)]
    pub shutdown_secs: u64,
}

impl ServeSettings {
    /// The data keys these settings name.
    pub fn data_keys(&self) -> anyhow::Result<crate::at_rest::data_key::DataKeys> {
        crate::at_rest::data_key::DataKeys::load(
            self.data_key.as_deref(),
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
            shutdown: std::time::Duration::from_secs(self.shutdown_secs),
        }
    }
}

/// What one client or one application may do, so nobody can fill the disk.
#[derive(Clone, Debug, Args)]
pub struct Limits {
    /// New uploads one client address may start per minute (per instance; a
    /// service hall's terminals may share one address).
    #[arg(long, env = "BIANMIN_UPLOADS_PER_MINUTE", default_value_t = 120)]
    pub uploads_per_minute: u32,
    /// Application keys one client address may be given per minute (per instance).
    #[arg(long, env = "BIANMIN_KEYS_PER_MINUTE", default_value_t = 60)]
    pub keys_per_minute: u32,
    /// Uploads one application may hold at once.
    #[arg(long, env = "BIANMIN_UPLOADS_PER_APPLICATION", default_value_t = 100)]
    pub uploads_per_application: i64,
    /// Bytes one application's uploads may add up to (default 500 MB).
    #[arg(long, env = "BIANMIN_BYTES_PER_APPLICATION", default_value_t = 500 * 1_048_576)]
    pub bytes_per_application: i64,
}

/// Notifications: the departments' webhooks, email and SMS to applicants, and
/// how the outbox delivers them. (Its `Debug` leaves the passwords and keys out.)
#[derive(Clone, Args)]
pub struct Notify {
    /// A TOML file of webhooks, one `[[webhook]]` per department: `department`, `url`, `secret`.
    #[arg(long, env = "BIANMIN_WEBHOOKS")]
    pub webhooks: Option<PathBuf>,
    /// How often the outbox worker looks for due notifications, in milliseconds.
    #[arg(long, env = "BIANMIN_OUTBOX_POLL_MS", default_value_t = 1000)]
    pub outbox_poll_ms: u64,
    /// The first retry's delay in seconds; each further retry waits twice as long (at most an hour).
    #[arg(long, env = "BIANMIN_OUTBOX_RETRY_SECS", default_value_t = 30)]
    pub outbox_retry_secs: u64,
    /// Attempts before a notification is marked dead (`bianmin outbox retry` sends it again).
    #[arg(long, env = "BIANMIN_OUTBOX_ATTEMPTS", default_value_t = 8)]
    pub outbox_attempts: u32,
    /// The centre's name, as every notice to applicants names it.
    #[arg(long, env = "BIANMIN_CENTRE_NAME", default_value = "县政务服务中心")]
    pub centre_name: String,
    /// The address applicants open the app at, for the status links in notices.
    #[arg(long, env = "BIANMIN_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// The SMTP server for email to applicants; without it no email is sent.
    #[arg(long, env = "BIANMIN_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "BIANMIN_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// `starttls` (default, port 587), `tls` (port 465) or `none` (only for a relay on this machine).
    #[arg(long, env = "BIANMIN_SMTP_TLS", default_value = "starttls")]
    pub smtp_tls: String,
    #[arg(long, env = "BIANMIN_SMTP_USER")]
    pub smtp_user: Option<String>,
    #[arg(long, env = "BIANMIN_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender, e.g. `示范县政务服务中心 <noreply@example.gov.cn>`.
    #[arg(long, env = "BIANMIN_MAIL_FROM", default_value = "便民 <noreply@localhost>")]
    pub mail_from: String,
    /// SMS to applicants: `none` (default), `aliyun` (Alibaba Cloud SMS) or `tencent` (Tencent Cloud SMS).
    #[arg(long, env = "BIANMIN_SMS_PROVIDER", default_value = "none")]
    pub sms_provider: String,
    /// Alibaba Cloud's AccessKey ID, or Tencent Cloud's SecretId.
    #[arg(long, env = "BIANMIN_SMS_KEY_ID")]
    pub sms_key_id: Option<String>,
    /// Alibaba Cloud's AccessKey secret, or Tencent Cloud's SecretKey.
    #[arg(long, env = "BIANMIN_SMS_KEY_SECRET", hide_env_values = true)]
    pub sms_key_secret: Option<String>,
    /// The SMS signature (签名) the provider approved, e.g. `示范县政务服务中心`.
    #[arg(long, env = "BIANMIN_SMS_SIGN_NAME")]
    pub sms_sign_name: Option<String>,
    /// Tencent Cloud's SmsSdkAppId (the SMS application's id).
    #[arg(long, env = "BIANMIN_SMS_APP_ID")]
    pub sms_app_id: Option<String>,
    /// The provider's region (default `cn-hangzhou` for Alibaba Cloud, `ap-guangzhou` for Tencent Cloud).
    #[arg(long, env = "BIANMIN_SMS_REGION")]
    pub sms_region: Option<String>,
    /// The provider's API address, when not its public one (a private cloud's, or a test's).
    #[arg(long, env = "BIANMIN_SMS_ENDPOINT")]
    pub sms_endpoint: Option<String>,
    /// The registered template of each notice event: `submitted=SMS_1,accepted=SMS_2,…`
    /// (`bianmin sms templates` prints the texts to register).
    #[arg(long, env = "BIANMIN_SMS_TEMPLATES", default_value = "")]
    pub sms_templates: String,
}

impl std::fmt::Debug for Notify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notify")
            .field("webhooks", &self.webhooks)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("mail_from", &self.mail_from)
            .field("sms_provider", &self.sms_provider)
            .field("sms_sign_name", &self.sms_sign_name)
            .field("sms_endpoint", &self.sms_endpoint)
            .finish_non_exhaustive()
    }
}

impl Default for Notify {
    fn default() -> Self {
        Self {
            webhooks: None,
            outbox_poll_ms: 1000,
            outbox_retry_secs: 30,
            outbox_attempts: 8,
            centre_name: "县政务服务中心".to_owned(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: "starttls".to_owned(),
            smtp_user: None,
            smtp_password: None,
            mail_from: "便民 <noreply@localhost>".to_owned(),
            sms_provider: "none".to_owned(),
            sms_key_id: None,
            sms_key_secret: None,
            sms_sign_name: None,
            sms_app_id: None,
            sms_region: None,
            sms_endpoint: None,
            sms_templates: String::new(),
        }
    }
}

/// How long personal data is kept (see README: Security and personal data).
#[derive(Clone, Debug, Args)]
pub struct Retention {
    /// Days an upload no case holds is kept (longer while its application's draft lives).
    #[arg(long, env = "BIANMIN_UNATTACHED_UPLOAD_DAYS", default_value_t = 3)]
    pub unattached_upload_days: u32,
    /// Days the files of a withdrawn, refused or terminated case are kept after it ended.
    #[arg(long, env = "BIANMIN_CLOSED_CASE_FILE_DAYS", default_value_t = 90)]
    pub closed_case_file_days: u32,
    /// Years a case and its files are kept after it ended (the archive period).
    #[arg(long, env = "BIANMIN_CASE_YEARS", default_value_t = 10)]
    pub case_years: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self { unattached_upload_days: 3, closed_case_file_days: 90, case_years: 10 }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            uploads_per_minute: 120,
            keys_per_minute: 60,
            uploads_per_application: 100,
            bytes_per_application: 500 * 1_048_576,
        }
    }
}

/// Where uploaded files are kept: the filesystem under the data directory, or
/// an S3-compatible bucket (MinIO, Alibaba OSS, Tencent COS, Huawei OBS, AWS).
#[derive(Clone, Debug, Default, Args)]
pub struct StorageSettings {
    /// `fs` (default) or `s3`.
    #[arg(long = "storage", env = "BIANMIN_STORAGE", default_value = "fs")]
    pub kind: String,
    /// The S3 endpoint, e.g. `https://oss-cn-hangzhou.aliyuncs.com` or `http://minio:9000`.
    #[arg(long, env = "BIANMIN_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "BIANMIN_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "BIANMIN_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "BIANMIN_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "BIANMIN_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// A prefix inside the bucket, so several systems can share one.
    #[arg(long, env = "BIANMIN_S3_ROOT", default_value = "/bianmin")]
    pub s3_root: String,
    /// Virtual-hosted-style addresses (`bucket.endpoint`), which OSS and COS require.
    #[arg(long, env = "BIANMIN_S3_VIRTUAL_HOST", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_virtual_host: bool,
}

impl ServeSettings {
    /// Settings for a directory layout, with nothing taken from the environment.
    pub fn new(data_dir: PathBuf, catalog: PathBuf, dist: PathBuf) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            catalog,
            dist,
            public_dir: None,
            database_url: None,
            draft_days: 30,
            calendar: None,
            today: None,
            auto_migrate: true,
            lookups_per_minute: 30,
            behind_proxy: false,
            trusted_proxies: String::new(),
            limits: Limits::default(),
            retention: Retention::default(),
            notify: Notify::default(),
            header_timeout_secs: 10,
            data_key_file: None,
            data_key: None,
            max_connections: 1024,
            shutdown_secs: 30,
            storage: StorageSettings {
                kind: "fs".to_owned(),
                s3_region: "us-east-1".to_owned(),
                s3_root: "/bianmin".to_owned(),
                ..Default::default()
            },
        }
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
