//! Every default is written once, in its `#[arg]`: a settings struct's
//! `Default` is what clap gives with no flags and no environment.

/// `T` as clap fills it from its `#[arg]` defaults alone (the environment is not read).
pub fn defaults<T: clap::Args + clap::FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("defaults").no_binary_name(true)).mut_args(|arg| arg.env(None));
    let matches = command.try_get_matches_from(Vec::<String>::new()).expect("every setting has a default");
    T::from_arg_matches(&matches).expect("every setting has a default")
}

#[cfg(test)]
mod tests {
    use super::defaults;
    use crate::settings::{Limits, Notify, ServeSettings};

    #[test]
    fn defaults_are_the_flags_defaults_and_ignore_the_environment() {
        // SAFETY: this test alone reads this variable.
        unsafe { std::env::set_var("BIANMIN_OUTBOX_ATTEMPTS", "2") };
        let notify: Notify = defaults();
        assert_eq!(notify.outbox_attempts, 8);
        assert_eq!(notify.centre_name, "县政务服务中心");
        assert_eq!(Limits::default().bytes_per_application, 500 * 1_048_576);
        let serve = ServeSettings::new("d".into(), "c".into(), "dist".into());
        assert_eq!(
            (serve.retention.draft_days, serve.storage.kind.as_str(), serve.storage.s3_root.as_str()),
            (30, "fs", "/bianmin")
        );
        assert!(serve.auto_migrate);
    }
}
