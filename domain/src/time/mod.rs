//! Dates in Beijing time, and working days by the official holiday calendar.

pub mod calendar;
pub mod date;
