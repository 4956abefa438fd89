//! The server's integration tests, in one binary so the server is linked once.
//! Each module tests one capability against the real server (SQLite or
//! PostgreSQL, files or S3: see `support`). The CLI's own tests are in
//! `tests/catalog_check.rs`.

mod support;

mod acceptance_platform;
mod accounts;
mod api;
mod at_rest;
mod cases;
mod clocks;
mod crash;
mod decisions;
mod documents;
mod drafts;
mod email;
mod guangdong_sign_in;
mod hosting;
mod instances;
mod joint_cases;
mod ledger;
mod material_reuse;
mod migrations;
mod my_cases;
mod on_behalf;
mod openapi;
pub mod outbox;
mod overload;
mod ownership;
mod parties;
mod pdf_checks;
mod pdfs;
mod personal_data;
mod phone_codes;
mod province_acceptance;
mod province_exchange;
mod province_numbers;
mod ratings;
mod recovery;
mod retention;
mod sessions;
mod sign_in;
mod situations;
mod sms;
mod staff_access;
mod staff_search;
mod steps;
mod submissions;
mod uploads;
mod virus_scan;
mod wechat_notices;
mod wechat_sign_in;
mod work_orders;
mod zhejiang_sign_in;
