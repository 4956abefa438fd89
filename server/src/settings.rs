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
    Serve(ServeSettings),
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
    /// Department tokens for the staff API.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
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
pub enum StaffCommand {
    /// Make a token for a department's approval system or console; prints it once.
    AddToken {
        /// The department, exactly as the catalog names it (e.g. 县交通运输局).
        #[arg(long)]
        department: String,
        /// What the token is for, to recognise it later.
        #[arg(long, default_value = "审批系统")]
        label: String,
        /// Where the SQLite database is kept.
        #[arg(long, env = "BIANMIN_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Database URL; default SQLite in the data directory.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
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
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("bianmin.db").display()),
        }
    }
}

/// `public/` beside the catalog directory unless told otherwise.
pub fn public_dir_for(catalog: &Path, explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(dir) => dir.to_path_buf(),
        None => catalog.parent().unwrap_or(Path::new(".")).join("public"),
    }
}
