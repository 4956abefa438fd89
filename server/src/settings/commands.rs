//! The subcommands of `bianmin` and their arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::ServeSettings;
use super::serve::database_url;

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
    /// Reporting to the province: what was sent, and sending it again.
    Province {
        #[command(subcommand)]
        command: ProvinceCommand,
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
        /// The key file (default `<data-dir>.key`, beside the data directory).
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
        /// Instead: seal, bound to their rows, the values an older version kept
        /// (only after an interrupted first start; such values are otherwise refused).
        #[arg(long)]
        legacy: bool,
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
pub enum ProvinceCommand {
    /// Each case submitted since the day whose records are not all with the
    /// province (pending, given up, or never written); exits non-zero if any.
    Check {
        /// The first day, `YYYY-MM-DD`.
        #[arg(long)]
        since: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Send every record written since the day again (the province keeps each row once).
    Replay {
        /// The first day, `YYYY-MM-DD`.
        #[arg(long)]
        since: String,
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
        /// Also what reporting cases to the province needs: every item's 基本编码,
        /// every deciding department's credit code and region (`departments.toml`).
        #[arg(long)]
        exchange: bool,
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
