//! The departments that decide the catalog's items, as the provincial
//! exchange names them: each by its name (the items' 实施主体), its unified
//! social credit code (受理单位's code in every record) and the six-digit
//! code of its administrative region (行政区划代码). Kept in
//! `catalog/departments.toml`; needed only when cases are reported upward.

use serde::{Deserialize, Serialize};

use crate::catalog::ServiceItem;

/// One department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// As the items name it (实施主体).
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 行政区划代码, e.g. `330102`.
    pub region: String,
}

/// The file: `[[department]]` tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Departments {
    #[serde(default, rename = "department")]
    pub list: Vec<Department>,
}

impl Departments {
    pub fn get(&self, name: &str) -> Option<&Department> {
        self.list.iter().find(|d| d.name == name)
    }
}

/// What reporting cases upward needs that the catalog lacks, each in words
/// naming the item or department: every item's 基本编码, every deciding
/// department listed once with a valid credit code and region.
pub fn exchange_problems(items: &[ServiceItem], departments: &Departments) -> Vec<String> {
    let mut out = Vec::new();
    for (i, d) in departments.list.iter().enumerate() {
        if departments.list[..i].iter().any(|other| other.name == d.name) {
            out.push(format!("部门“{}”写了两次", d.name));
        }
        if crate::apply::identity::check_credit_code(&d.credit_code).is_err() {
            out.push(format!("部门“{}”的统一社会信用代码“{}”不对", d.name, d.credit_code));
        }
        if d.region.len() != 6 || !d.region.bytes().all(|b| b.is_ascii_digit()) {
            out.push(format!("部门“{}”的行政区划代码应为6位数字，这里是“{}”", d.name, d.region));
        }
    }
    for item in items {
        if item.basic_code.trim().is_empty() {
            out.push(format!("{}：没有基本编码（basic_code），向省里上报办件需要它", item.code));
        }
        if departments.get(&item.department).is_none() {
            out.push(format!(
                "{}：实施主体“{}”不在 departments.toml 里，上报需要它的统一社会信用代码和行政区划代码",
                item.code, item.department
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::item;

    #[test]
    fn every_item_needs_its_basic_code_and_a_listed_department() {
        let mut with = item("JT-003");
        with.basic_code = "000105410000".into();
        with.department = "县交通运输局".into();
        let departments = Departments {
            list: vec![Department {
                name: "县交通运输局".into(),
                credit_code: "91350100M000100Y43".into(),
                region: "330102".into(),
            }],
        };
        assert!(exchange_problems(std::slice::from_ref(&with), &departments).is_empty());
        let without = item("MZ-001");
        let problems = exchange_problems(&[with, without], &departments);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("基本编码"));
        assert!(problems[1].contains("民政局"));
        let wrong = Departments {
            list: vec![Department {
                name: "x".into(),
                credit_code: "91350100M000100Y44".into(),
                region: "3301".into(),
            }],
        };
        assert_eq!(exchange_problems(&[], &wrong).len(), 2);
    }
}
