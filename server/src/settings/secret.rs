//! A setting that is a password or a key: never printed, whatever prints it.

/// A secret setting's value. `Debug` shows that it is set, never what it is;
/// [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_never_prints_its_value() {
        let settings = crate::settings::Notify { smtp_password: Some("hunter2".into()), ..Default::default() };
        let printed =
            format!("{settings:?} {:?}", crate::settings::ServeSettings::new("d".into(), "c".into(), "x".into()));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("Secret(***)"));
    }
}
