//! Signing in (shared by every stage): who the province's identity service,
//! an OpenID Connect provider or WeChat says someone is, and how long a
//! session on this platform lasts. Optional unless an item requires a level.

pub mod consent;
pub mod export;
pub mod identity;
pub mod session;
