//! After submission: the case and its moves, the applicant's look-up,
//! supplements, ratings and complaints, the staff API with its tokens and
//! access log, and the public figures.

pub mod applicant;
pub mod audit;
pub mod create;
pub mod documents;
pub mod figures;
pub mod hall_pad;
pub mod joint;
pub mod ledger;
pub mod moves;
pub mod province_number;
pub mod qr;
pub mod rating;
pub mod recovery;
pub mod staff;
pub mod staff_list;
pub mod staff_tokens;
pub mod store;
pub mod supply;
pub mod views;
pub mod work_orders;
