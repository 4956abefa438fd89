//! Test-only builders: a complete, valid item and material to vary from.

use crate::catalog::*;

pub fn material(id: &str) -> Material {
    Material {
        id: id.into(),
        name: "申请书".into(),
        forms: vec![MaterialForm::PaperOriginal, MaterialForm::Electronic],
        originals: 1,
        copies: 0,
        necessity: Necessity::Required,
        source: MaterialSource::Applicant,
        standard: "申请人签字".into(),
        file_types: vec![FileType::Pdf],
        max_file_mb: 20,
        max_files: 1,
        slots: Vec::new(),
        party: None,
        blank_form: Some("forms/a.pdf".into()),
        sample: None,
        legal_basis: None,
        note: None,
        when: None,
        repeat: None,
        held_by_government: false,
        reusable: true,
    }
}

pub fn item(code: &str) -> ServiceItem {
    ServiceItem {
        code: code.into(),
        basic_code: String::new(),
        name: "社会团体成立登记".into(),
        summary: "成立协会、商会等社会团体".into(),
        kind: ItemKind::Licensing,
        department: "民政局".into(),
        applicants: vec![ApplicantType::Organisation],
        case_kind: CaseKind::Promised,
        legal_limit_days: 60,
        promised_limit_days: 15,
        visits: 1,
        sign_in_level: None,
        fee: Fee { free: true, standard: String::new(), basis: String::new() },
        keywords: vec![],
        english_name: "Test item".into(),
        english_keywords: vec!["test".into()],
        conditions: vec!["有50个以上的个人会员".into()],
        procedure: vec![Step { name: "受理".into(), description: String::new() }],
        legal_basis: vec!["《社会团体登记管理条例》".into()],
        place: "政务服务中心 2 楼".into(),
        hours: "工作日 9:00-17:00".into(),
        consult_phone: "0000-1234567".into(),
        complaint_phone: "12345".into(),
        questions: vec![],
        materials: vec![material("application")],
        fields: vec![crate::apply::form::Field {
            id: "purpose".into(),
            label: "宗旨和业务范围".into(),
            hint: String::new(),
            kind: crate::apply::form::FieldKind::Text,
            required: true,
            options: vec![],
            min: None,
            max: None,
            max_length: 200,
            when: None,
            party: None,
        }],
        parties: vec![],
    }
}
