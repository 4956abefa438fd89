//! Which of the browser app's bundles shows a page, by its path.
//!
//! The home page's bundle is kept small (search only); guides, questionnaires
//! and notices are one bundle; applying is three, one per step (the form, the
//! uploads, the review), so a page opened from a link loads only its step;
//! the receipt after submitting, and resuming a draft on another phone, are
//! each their own; following a
//! case is five (the empty look-up form, as light as the home page; a case's
//! status; the uploads a 补正 or 容缺 asks for; its rating and complaints;
//! 我的办件 and figures);
//! the staff console is its own (a citizen looking up a case never loads it).
//! The server answers an address with the page of the bundle that shows it, so
//! a shared link loads that bundle alone; the app hands over to the same
//! bundle when the applicant moves on. One rule, used by both.

/// A bundle of the browser app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppBundle {
    /// Search (the home page) and the page for addresses that lead nowhere.
    Home,
    /// Guides, questionnaires, one-time notices, joint applications' overviews.
    Guide,
    /// Applying, first step: the form.
    Form,
    /// Applying, second step: the task list with uploads.
    Tasks,
    /// Applying, last step: the review and the submission.
    Review,
    /// The receipt kept on this phone after submitting: light, it carries
    /// none of the review's code.
    Receipt,
    /// Resuming a draft with its resume code (on another phone): light, it
    /// hands over to the form or the task list.
    Resume,
    /// The empty look-up form of a case, light as the home page.
    Lookup,
    /// After submission: a case's status.
    Follow,
    /// After submission: uploading what a case was asked for (补正, 容缺).
    Supply,
    /// After submission: rating a case (好差评) and complaining about it.
    Feedback,
    /// 我的办件 for who signed in, and the public figures.
    Mine,
    /// The staff console: the clerks' list, a case's file, the hall pad.
    Staff,
}

impl AppBundle {
    /// The folder of `dist/` the bundle is built into (`""` for the home page's);
    /// never a page's address (a folder `staff` would turn `/staff` into a
    /// redirect to `/staff/`).
    pub fn dir(self) -> &'static str {
        match self {
            Self::Home => "",
            Self::Guide => "guide",
            Self::Form => "form",
            Self::Tasks => "tasks",
            Self::Review => "review",
            Self::Receipt => "receipt",
            Self::Resume => "resume",
            Self::Lookup => "lookup",
            Self::Follow => "follow",
            Self::Supply => "supply",
            Self::Feedback => "feedback",
            Self::Mine => "mine",
            Self::Staff => "console",
        }
    }
}

/// The bundle that shows the page at `path` (without its query string).
pub fn bundle_for(path: &str) -> AppBundle {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["services", _] | ["bundles", _] => AppBundle::Guide,
        ["services" | "bundles", _, "situation", _] | ["services" | "bundles", _, "checklist"] => AppBundle::Guide,
        ["services" | "bundles", _, "apply"] => AppBundle::Form,
        ["services" | "bundles", _, "tasks"] => AppBundle::Tasks,
        ["services" | "bundles", _, "review"] => AppBundle::Review,
        ["receipts", _] => AppBundle::Receipt,
        ["drafts"] => AppBundle::Resume,
        ["cases"] => AppBundle::Lookup,
        ["cases", _] => AppBundle::Follow,
        ["cases", _, "supply"] => AppBundle::Supply,
        ["cases", _, "feedback"] => AppBundle::Feedback,
        ["my"] | ["figures"] => AppBundle::Mine,
        ["staff"] | ["staff", "pad"] | ["staff", "cases", _] => AppBundle::Staff,
        _ => AppBundle::Home,
    }
}

/// The catalog JSON the page at `path` reads before it can show anything (an
/// item's or a bundle's, as `/api/services/CODE`), so the server can name it
/// in the page's answer and the browser fetches it beside the wasm instead
/// of after it. None for a code that is not plain letters, digits and `-`/`_`
/// (the address is then not written back as it came).
pub fn catalog_data(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let (kind, code) = match parts.as_slice() {
        [kind @ ("services" | "bundles"), code, ..] => (*kind, *code),
        _ => return None,
    };
    let plain = code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (plain && !code.is_empty()).then(|| ["/api/", kind, "/", code].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_its_bundle() {
        use AppBundle::*;
        for (path, bundle) in [
            ("/", Home),
            ("/nowhere/at/all", Home),
            ("/services/JT-001", Guide),
            ("/services/JT-001/situation/agent", Guide),
            ("/services/JT-001/checklist", Guide),
            ("/bundles/KB-001", Guide),
            ("/bundles/KB-001/situation/seats", Guide),
            ("/bundles/KB-001/checklist", Guide),
            ("/services/JT-001/apply", Form),
            ("/bundles/KB-001/apply", Form),
            ("/drafts", Resume),
            ("/services/JT-001/tasks", Tasks),
            ("/bundles/KB-001/tasks", Tasks),
            ("/services/JT-001/review", Review),
            ("/bundles/KB-001/review", Review),
            ("/receipts/BM20261201000001", Receipt),
            ("/cases", Lookup),
            ("/cases/BM20261201000001", Follow),
            ("/cases/BM20261201000001/supply", Supply),
            ("/cases/BM20261201000001/feedback", Feedback),
            ("/my", Mine),
            ("/figures", Mine),
            ("/staff", Staff),
            ("/staff/pad", Staff),
            ("/staff/cases/BM20261201000001", Staff),
        ] {
            assert_eq!(bundle_for(path), bundle, "{path}");
        }
    }

    #[test]
    fn names_the_catalog_data_a_page_reads_first() {
        assert_eq!(catalog_data("/services/JT-001/apply").as_deref(), Some("/api/services/JT-001"));
        assert_eq!(catalog_data("/services/JT-001").as_deref(), Some("/api/services/JT-001"));
        assert_eq!(catalog_data("/bundles/KB-001/situation/seats").as_deref(), Some("/api/bundles/KB-001"));
        for path in ["/", "/cases", "/cases/BM1", "/drafts", "/services", "/services/%3Cx%3E", "/services/a,b"] {
            assert_eq!(catalog_data(path), None, "{path}");
        }
    }

    #[test]
    fn no_bundle_folder_is_a_page_address() {
        use AppBundle::*;
        for bundle in [Home, Guide, Form, Tasks, Review, Receipt, Resume, Lookup, Follow, Supply, Feedback, Mine, Staff]
        {
            let dir = bundle.dir();
            assert!(dir.is_empty() || bundle_for(&["/", dir].concat()) == Home, "{dir}");
        }
    }
}
