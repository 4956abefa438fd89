//! Command line and environment: every setting is a flag with an environment
//! twin, grouped by the subsystem it sets. Defaults are written once, in the
//! `#[arg]`s ([`defaults`]); passwords and keys are [`Secret`]s.

pub mod commands;
pub mod defaults;
pub mod documents;
pub mod limits;
pub mod notify;
pub mod province;
pub mod retention;
pub mod secret;
pub mod serve;
pub mod sign_in;
pub mod storage;

pub use commands::*;
pub use documents::DocumentSettings;
pub use limits::Limits;
pub use notify::Notify;
pub use province::ProvinceSettings;
pub use retention::Retention;
pub use secret::Secret;
pub use serve::{ServeSettings, database_url, public_dir_for};
pub use sign_in::SignInSettings;
pub use storage::StorageSettings;
