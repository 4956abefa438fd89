//! The parties (当事人) on the form: which side the applicant is, and each
//! other person party named with ID number, phone and their consent, as the
//! item declares them for the answers given (`domain::apply::parties`).

use domain::apply::form::{ApplicationForm, FieldError};
use domain::apply::parties::{APPLICANT_PARTY, Party, PartyKind, others};
use leptos::prelude::*;

use crate::apply::fields::{FieldMessages, TextInput, error_at, field_class, fixed_at, input_id};

/// "您是哪一方" and a block for every other side, which follows the choice.
#[component]
pub fn PartiesForm(
    /// The parties taking part for the answers, in catalog order.
    active: Vec<Party>,
    form: RwSignal<ApplicationForm>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let persons: Vec<Party> = active.into_iter().filter(|p| p.kind == PartyKind::Person).collect();
    if persons.is_empty() {
        return ().into_any();
    }
    let own = Memo::new(move |_| form.with(|f| f.applicant_party.clone()));
    let error = error_at(errors, APPLICANT_PARTY.to_owned());
    let fixed = fixed_at(errors, APPLICANT_PARTY.to_owned());
    let first_id = input_id(APPLICANT_PARTY);
    let choices = persons
        .iter()
        .enumerate()
        .map(|(i, party)| {
            let id = if i == 0 { first_id.clone() } else { format!("{first_id}-{}", party.id) };
            let (mine, chosen) = (party.id.clone(), party.id.clone());
            let described = format!("{first_id}-error");
            view! {
                <div class="choice">
                    <input
                        id=id.clone()
                        type="radio"
                        name="applicant-party"
                        aria-describedby=move || error.get().map(|_| described.clone())
                        prop:checked=move || own.get().as_deref() == Some(mine.as_str())
                        on:change=move |_| form.update(|f| f.applicant_party = Some(chosen.clone()))
                    />
                    <label for=id>"我是" {party.label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let first_id = input_id(APPLICANT_PARTY);
    view! {
        <div class=move || field_class(error.get().is_some(), fixed.get())>
            <fieldset>
                <legend>"您是哪一方"</legend>
                <p class="hint">
                    "您填写的申请人信息就是这一方的；其他各方的信息在下面填写。"
                </p>
                <FieldMessages error fixed error_id=format!("{first_id}-error") />
                <div class="choices">{choices}</div>
            </fieldset>
        </div>
        {move || {
            let refs: Vec<&Party> = persons.iter().collect();
            others(&refs, own.get().as_deref())
                .into_iter()
                .cloned()
                .map(|party| view! { <OtherParty party form errors /> })
                .collect_view()
        }}
    }
    .into_any()
}

/// One other person party: name, ID number, phone, and the applicant's word
/// that they know of the application and agree (the window may call them).
#[component]
fn OtherParty(party: Party, form: RwSignal<ApplicationForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let path = |name: &str| format!("parties.{}.{name}", party.id);
    let consent_path = path("consent");
    let consent_id = input_id(&consent_path);
    let error = error_at(errors, consent_path.clone());
    let fixed = fixed_at(errors, consent_path);
    let (read, write) = (party.id.clone(), party.id.clone());
    let agreed = Memo::new(move |_| form.with(|f| f.parties.get(&read).is_some_and(|p| p.consent)));
    let label = party.label.clone();
    view! {
        <h2>{party.label.clone()}</h2>
        {(!party.hint.is_empty()).then(|| view! { <p class="hint">{party.hint.clone()}</p> })}
        <TextInput label=format!("{label}姓名") hint="与身份证一致" path=path("name") form errors />
        <TextInput
            label=format!("{label}身份证号码")
            hint="18位，最后一位可能是X"
            path=path("id_number")
            form
            errors
        />
        <TextInput
            label=format!("{label}手机号码")
            hint="窗口会用这个号码和这一方核实"
            path=path("phone")
            inputmode="tel"
            form
            errors
        />
        <div class=move || field_class(error.get().is_some(), fixed.get())>
            <FieldMessages error fixed error_id=format!("{consent_id}-error") />
            <div class="choice">
                <input
                    id=consent_id.clone()
                    type="checkbox"
                    aria-required="true"
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:checked=move || agreed.get()
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        form.update(|f| f.parties.entry(write.clone()).or_default().consent = checked);
                    }
                />
                <label for=consent_id>
                    {format!("{label}已知晓并同意这份申请")}
                    <span class="choice__hint">"窗口会用上面的手机号码向这一方核实"</span>
                </label>
            </div>
        </div>
    }
}
