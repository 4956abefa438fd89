//! 办结's decision in the staff console: granted or not, the decision
//! document's number and the certificate issued (number, validity or 长期),
//! sent with the result; the server refuses what cannot stand, in words.

use domain::case::decision::{Certificate, Decision, Outcome};
use domain::time::date::Date;
use leptos::prelude::*;

/// What the clerk has typed of the decision so far.
#[derive(Clone, Copy)]
pub struct DecisionDraft {
    /// `None`: no decision recorded (a service, not a permit).
    outcome: RwSignal<Option<Outcome>>,
    document_number: RwSignal<String>,
    certificate: RwSignal<String>,
    number: RwSignal<String>,
    valid_until: RwSignal<String>,
}

impl Default for DecisionDraft {
    fn default() -> Self {
        Self {
            outcome: RwSignal::new(None),
            document_number: RwSignal::new(String::new()),
            certificate: RwSignal::new(String::new()),
            number: RwSignal::new(String::new()),
            valid_until: RwSignal::new(String::new()),
        }
    }
}

impl DecisionDraft {
    /// The decision to send with 办结 (a certificate only when named).
    pub fn decision(&self) -> Option<Decision> {
        let outcome = self.outcome.get_untracked()?;
        let name = self.certificate.get_untracked();
        let certificate = (!name.trim().is_empty()).then(|| Certificate {
            name,
            number: self.number.get_untracked(),
            valid_until: Date::parse(self.valid_until.get_untracked().trim()),
        });
        Some(Decision { outcome, document_number: self.document_number.get_untracked(), certificate })
    }
}

fn text_field(id: &'static str, label: &'static str, value: RwSignal<String>, kind: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// The decision's fields, shown while 办结 is possible.
#[component]
pub fn DecisionFields(draft: DecisionDraft) -> impl IntoView {
    let outcome = draft.outcome;
    view! {
        <fieldset class="decision">
            <legend>"许可决定（办结时填写）"</legend>
            <div class="choices">
                <div class="choice">
                    <input
                        type="radio"
                        id="outcome-none"
                        name="outcome"
                        prop:checked=move || outcome.get().is_none()
                        on:change=move |_| outcome.set(None)
                    />
                    <label for="outcome-none">"不涉及许可决定"</label>
                </div>
                {Outcome::ALL
                    .into_iter()
                    .map(|o| {
                        let id = format!("outcome-{}", o.as_str());
                        view! {
                            <div class="choice">
                                <input
                                    type="radio"
                                    id=id.clone()
                                    name="outcome"
                                    prop:checked=move || outcome.get() == Some(o)
                                    on:change=move |_| outcome.set(Some(o))
                                />
                                <label for=id>{o.label()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <Show when=move || {
                outcome.get().is_some()
            }>{text_field("decision-number", "决定书文号", draft.document_number, "text")}</Show>
            <Show when=move || {
                outcome.get() == Some(Outcome::Granted)
            }>
                {text_field("certificate-name", "证照名称（不发证照的不填）", draft.certificate, "text")}
                {text_field("certificate-number", "证照编号", draft.number, "text")} <div class="field">
                    <label for="certificate-until">"有效期至"</label>
                    <p class="hint" id="certificate-until-hint">
                        "长期有效的不填。"
                    </p>
                    <input
                        id="certificate-until"
                        type="date"
                        aria-describedby="certificate-until-hint"
                        prop:value=move || draft.valid_until.get()
                        on:input=move |ev| draft.valid_until.set(event_target_value(&ev))
                    />
                </div>
            </Show>
        </fieldset>
    }
}
