//! Signing in: server-side sessions behind an HttpOnly cookie, with a CSRF
//! token for every change made with it (`sessions`), and the routes that show
//! and end them (`routes`). Providers' adapters sign people in into these.

pub mod consents;
pub mod guangdong;
pub mod my_cases;
pub mod oidc;
pub mod owners;
pub mod personal_data;
pub mod provider;
pub mod routes;
pub mod sessions;
pub mod sign_ins;
pub mod wechat;
pub mod zhejiang;
