//! The JSON that crosses between the app and the server.

use serde::{Deserialize, Serialize};

use crate::catalog::ServiceSummary;
use crate::catalog::bundle::BundleSummary;

/// `GET /api/services`: one page of search results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceList {
    pub items: Vec<ServiceSummary>,
    /// Matches across all pages.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    /// Every department in the catalog, for the filter.
    pub departments: Vec<String>,
    /// Joint applications (一件事) that match the words, on the first page.
    #[serde(default)]
    pub bundles: Vec<BundleSummary>,
    /// How many of `items` rank above the best matching bundle: items and
    /// bundles are ranked together, and the page shows the bundles there.
    #[serde(default)]
    pub bundles_at: usize,
    /// When nothing matches: the items nearest to the words, to suggest.
    #[serde(default)]
    pub suggestions: Vec<ServiceSummary>,
    /// The words ask for a service this centre does not handle: where to go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elsewhere: Option<crate::catalog::elsewhere::GoElsewhere>,
}

/// One card of a results page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Card {
    Item(usize),
    Bundle(usize),
}

impl ServiceList {
    /// The page's cards in the order it shows them: the items that rank
    /// above the best bundle, the bundles, the other items.
    pub fn cards(&self) -> Vec<Card> {
        let at = self.bundles_at.min(self.items.len());
        let items = |range: std::ops::Range<usize>| range.map(Card::Item);
        items(0..at).chain((0..self.bundles.len()).map(Card::Bundle)).chain(items(at..self.items.len())).collect()
    }
}

/// The one shape of every error the API returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// For an application that cannot be accepted: every field and material to fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<crate::apply::submission::SubmissionProblems>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable, machine-readable (`not_found`, `bad_request`, `internal`…).
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
}

/// `GET /api/health`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    /// How many service items are loaded.
    pub services: usize,
    /// Fingerprint of the loaded catalog.
    pub catalog_version: String,
}

/// `POST /api/drafts` and `POST /api/drafts/save`: what the applicant has so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftBody {
    /// The item applied for.
    pub item: String,
    #[serde(default)]
    pub answers: crate::catalog::situation::Answers,
    /// The form as typed so far (may be incomplete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<crate::apply::form::ApplicationForm>,
    /// Finished uploads and the 容缺 choice, so another device continues with them.
    #[serde(default)]
    pub materials: crate::apply::materials::Materials,
}

/// A saved draft: the code to continue with on another device, and until when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSaved {
    pub resume_code: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// `POST /api/drafts/resume` (the resume code in the body, never in the address):
/// the draft, with answers that no longer fit the
/// current catalog dropped and named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftLoaded {
    pub draft: DraftBody,
    pub expires_at: String,
    /// Question texts (or ids, for questions that no longer exist) to answer again.
    pub dropped: Vec<String>,
    /// Whether the catalog changed since the draft was saved.
    pub catalog_changed: bool,
    /// Names of uploaded files that are no longer kept (or no longer asked for).
    #[serde(default)]
    pub dropped_files: Vec<String>,
    /// The application's key (the `Application-Key` header), so its uploads
    /// keep working on this device; absent for a draft saved without one.
    #[serde(default)]
    pub application_key: Option<String>,
    /// The draft is a bundle's (一件事), not an item's.
    #[serde(default)]
    pub bundle: bool,
}

/// `GET /api/notice-channels`: how this centre can tell applicants of their
/// case besides the status page, so the review page offers only what is real.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeChannels {
    /// SMS to the form's mobile number (an SMS provider is configured).
    pub sms: bool,
    /// Email to an address the applicant gives (a mail server is configured).
    pub email: bool,
}

/// `POST /api/services/{code}/form/check` (and a bundle's): a form and the
/// situation answers it was filled under.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormCheck {
    #[serde(default)]
    pub answers: crate::catalog::situation::Answers,
    pub form: crate::apply::form::ApplicationForm,
}

/// `POST /api/application-keys`: the key for one application on one device.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedKey {
    /// Send it as the `Application-Key` header with this application's uploads,
    /// drafts and submission; keep it on the device only.
    pub application_key: String,
}

/// `POST /api/drafts/save`: a draft's new content under its resume code.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveRequest {
    pub resume_code: String,
    pub draft: DraftBody,
}

/// `POST /api/drafts/resume`: the resume code, in the body, never the address.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResumeRequest {
    pub resume_code: String,
}

/// `GET /api/staff/me`: whose token this is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub department: String,
    /// The token's holder, as the timeline records their moves (a clerk's name, a system's).
    #[serde(default)]
    pub label: String,
}

/// `POST /api/complaints`: the reference the applicant quotes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintReceived {
    pub reference: String,
}
