//! Every sealed column, by name: a sealed value is bound to its table, its
//! column and its row, so a value copied into another row (two cases'
//! applications swapped) or another column does not open.

/// A column that holds sealed values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    CaseApplication,
    CaseFileName,
    DraftForm,
    DraftMaterials,
    DraftApplicationKey,
    ComplaintBody,
    IdempotencyResponse,
    UploadState,
    OutboxPayload,
    WorkOrderBody,
    WorkOrderReply,
    WorkOrderVisit,
    DocumentText,
    CaseRating,
    SessionIdentity,
    SignInSecret,
    WechatOpenid,
    WechatToken,
}

impl Column {
    pub const ALL: [Self; 18] = [
        Self::CaseApplication,
        Self::CaseFileName,
        Self::DraftForm,
        Self::DraftMaterials,
        Self::DraftApplicationKey,
        Self::ComplaintBody,
        Self::IdempotencyResponse,
        Self::UploadState,
        Self::OutboxPayload,
        Self::WorkOrderBody,
        Self::WorkOrderReply,
        Self::WorkOrderVisit,
        Self::DocumentText,
        Self::CaseRating,
        Self::SessionIdentity,
        Self::SignInSecret,
        Self::WechatOpenid,
        Self::WechatToken,
    ];

    /// The table, the column naming the row, the sealed column.
    pub fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::CaseApplication => ("cases", "case_number", "application"),
            Self::CaseFileName => ("case_files", "upload", "name"),
            Self::DraftForm => ("drafts", "resume_code", "form"),
            Self::DraftMaterials => ("drafts", "resume_code", "materials"),
            Self::DraftApplicationKey => ("drafts", "resume_code", "application_key"),
            Self::ComplaintBody => ("complaints", "id", "body"),
            Self::IdempotencyResponse => ("idempotency_keys", "idempotency_key", "response_body"),
            Self::UploadState => ("upload_states", "id", "state"),
            Self::OutboxPayload => ("outbox", "id", "payload"),
            Self::WorkOrderBody => ("work_orders", "id", "body"),
            Self::WorkOrderReply => ("work_orders", "id", "reply"),
            Self::WorkOrderVisit => ("work_orders", "id", "visit_note"),
            Self::DocumentText => ("documents", "id", "text"),
            Self::CaseRating => ("case_ratings", "id", "rating"),
            Self::SessionIdentity => ("sessions", "id_hash", "identity"),
            Self::SignInSecret => ("sign_ins", "state_hash", "secret"),
            Self::WechatOpenid => ("case_wechat", "id", "openid"),
            Self::WechatToken => ("wechat_tokens", "appid", "token"),
        }
    }

    /// Columns an older version kept in clear after others were sealed: their
    /// clear values are sealed at every start (the ratings, until 0020).
    pub const ONCE_CLEAR: [Self; 1] = [Self::CaseRating];

    /// `table.column`, as values sealed before rows were bound name their place.
    pub fn context(self) -> String {
        let (table, _, column) = self.names();
        format!("{table}.{column}")
    }

    /// The associated data a value in `row` is sealed with.
    pub fn bound(self, row: &str) -> String {
        format!("{}\0{row}", self.context())
    }
}
