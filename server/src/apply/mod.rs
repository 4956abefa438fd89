//! Applying: the application key that owns an application's uploads, drafts
//! that move between devices, resumable uploads, the phone proven for SMS
//! notices, a signed-in person's earlier files used again, and the one submission.

pub mod application_key;
pub mod drafts;
pub mod notice_channels;
pub mod phone_codes;
pub mod reuse;
pub mod submissions;
pub mod uploads;
