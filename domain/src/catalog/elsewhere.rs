//! Services people ask this centre for that it does not handle (医保报销,
//! 车辆年检, 护照): listed in `catalog/elsewhere.toml` with where to go, so a
//! search for one is answered plainly instead of with an unrelated item.

use serde::{Deserialize, Serialize};

/// The list as written in `catalog/elsewhere.toml`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElsewhereList {
    #[serde(default, rename = "service")]
    pub services: Vec<Elsewhere>,
}

/// One service handled elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elsewhere {
    /// What people call it (医保报销).
    pub name: String,
    /// Other words for it.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// English words for it.
    #[serde(default)]
    pub english_keywords: Vec<String>,
    /// Where to go, in plain words: the office, the platform or app.
    pub go_to: String,
    /// A number to ask, when there is one (12345 is always offered too).
    #[serde(default)]
    pub phone: String,
}

/// What the page says of a service handled elsewhere (its search words stay
/// on the server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoElsewhere {
    pub name: String,
    pub go_to: String,
    /// Empty when there is no number beyond 12345.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

impl From<&Elsewhere> for GoElsewhere {
    fn from(service: &Elsewhere) -> Self {
        Self { name: service.name.clone(), go_to: service.go_to.clone(), phone: service.phone.clone() }
    }
}

/// What is wrong with the list: (index, message). A word of an item's name
/// or keywords would hide that item behind "not handled here".
pub fn check(list: &ElsewhereList, catalog_words: &[String]) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    for (i, service) in list.services.iter().enumerate() {
        if service.name.trim().is_empty() {
            problems.push((i, "没有写名称".to_owned()));
        }
        if service.go_to.trim().is_empty() {
            problems.push((i, format!("“{}”没有写去哪里办（go_to）", service.name)));
        }
        for word in std::iter::once(&service.name).chain(&service.keywords) {
            if catalog_words.iter().any(|w| w == word) {
                problems.push((i, format!("“{word}”是本中心事项的名称或关键词，写在这里会让人搜不到那个事项")));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_word_the_catalog_uses_and_a_missing_place() {
        let list = ElsewhereList {
            services: vec![
                Elsewhere { name: "护照".into(), go_to: "公安出入境窗口".into(), ..Default::default() },
                Elsewhere { name: "卖烟".into(), go_to: String::new(), ..Default::default() },
            ],
        };
        let problems = check(&list, &["卖烟".to_owned()]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|(i, _)| *i == 1));
    }
}
