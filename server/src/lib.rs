//! Bianmin's server as a library: `main.rs` only parses the command line, and the
//! integration tests start the same [`Server`] on a random port. This file only
//! names the modules: [`state`] holds what handlers share, [`startup`] builds
//! the server from its settings.

pub mod account;
pub mod apply;
pub mod at_rest;
pub mod case;
pub mod catalog;
pub mod cli;
pub mod db;
pub mod error;
pub mod exchange;
pub mod extract;
pub mod holidays;
pub mod hosting;
pub mod notify;
pub mod openapi;
pub mod retention;
pub mod scheduler;
pub mod secret;
pub mod settings;
pub mod startup;
pub mod state;

pub use startup::{Server, app, create_private_dir, shutdown_signal};
pub use state::AppState;
