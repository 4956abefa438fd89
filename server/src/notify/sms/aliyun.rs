//! Alibaba Cloud SMS (短信服务, dysmsapi `SendSms`, version 2017-05-25), called
//! the documented RPC way: every parameter in a form body, signed with
//! signature version 1.0 — the parameters sorted by name, each name and value
//! percent-encoded (RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay), joined with
//! `&`; the string to sign is `POST&%2F&` and that, encoded once more; the
//! signature is Base64 of HMAC-SHA1 keyed with the AccessKey secret and `&`.

use std::collections::BTreeMap;

use base64::Engine;
use hmac::{Hmac, Mac};

use super::{Message, SmsProvider};
use crate::notify::Failure;

/// RFC 3986 percent-encoding as Alibaba Cloud's signature wants it.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The sorted, encoded `name=value&…` of `params` (a BTreeMap is sorted by name).
pub fn canonical(params: &BTreeMap<String, String>) -> String {
    params.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

/// The `Signature` parameter for `params` sent with `method`.
pub fn signature(secret: &str, method: &str, params: &BTreeMap<String, String>) -> String {
    let to_sign = format!("{method}&{}&{}", percent_encode("/"), percent_encode(&canonical(params)));
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(format!("{secret}&").as_bytes()).expect("any key length");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The request's parameters before signing.
fn parameters(provider: &SmsProvider, message: &Message<'_>, nonce: &str, timestamp: &str) -> BTreeMap<String, String> {
    let variables: serde_json::Map<String, serde_json::Value> =
        message.params.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    [
        ("AccessKeyId", provider.key_id.as_str()),
        ("Action", "SendSms"),
        ("Format", "JSON"),
        ("PhoneNumbers", message.phone),
        ("RegionId", provider.region.as_str()),
        ("SignName", provider.sign_name.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("TemplateCode", message.template_id),
        ("TemplateParam", &serde_json::Value::Object(variables).to_string()),
        ("Timestamp", timestamp),
        ("Version", "2017-05-25"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub async fn send(provider: &SmsProvider, client: &reqwest::Client, message: &Message<'_>) -> Result<String, Failure> {
    let nonce = crate::secret::random_hex(16).map_err(|_| Failure::retry("没有随机数"))?;
    let mut params = parameters(provider, message, &nonce, &crate::db::now_rfc3339());
    let signed = signature(&provider.key_secret, "POST", &params);
    params.insert("Signature".to_owned(), signed);
    let response = client
        .post(format!("{}/", provider.endpoint.trim_end_matches('/')))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(canonical(&params))
        .send()
        .await
        .map_err(|e| super::unreachable(&e))?;
    let status = response.status();
    let text = response.bytes().await.unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_slice(&text).unwrap_or_default();
    let code = answer["Code"].as_str().unwrap_or_default();
    if code == "OK" {
        return Ok(answer["BizId"].as_str().unwrap_or_default().to_owned());
    }
    Err(failure(code, status.as_u16()))
}

/// What an error code means for the message: refused for good, or worth another try.
pub fn failure(code: &str, status: u16) -> Failure {
    let permanent = |what: &str| Failure::permanent(format!("{what}（{code}）"));
    match code {
        "isv.SMS_TEMPLATE_ILLEGAL" => permanent("短信模板不存在或未通过审核"),
        "isv.SMS_SIGNATURE_ILLEGAL" | "isv.SIGN_NAME_ILLEGAL" => permanent("短信签名不存在或未通过审核"),
        "isv.TEMPLATE_MISSING_PARAMETERS" | "isv.TEMPLATE_PARAMS_ILLEGAL" | "isv.INVALID_JSON_PARAM" => {
            permanent("短信模板的变量与登记的不一致")
        }
        "isv.MOBILE_NUMBER_ILLEGAL" | "isv.BLACK_KEY_CONTROL_LIMIT" => permanent("手机号码不能接收短信"),
        "SignatureDoesNotMatch" | "InvalidAccessKeyId.NotFound" | "InvalidAccessKeyId.Inactive" | "Forbidden.RAM" => {
            permanent("短信服务的密钥不正确或没有权限")
        }
        c if c.contains("LIMIT_CONTROL") || c.starts_with("Throttling") => Failure::throttled(code),
        _ => Failure::unexplained(code, status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_the_unreserved_characters() {
        assert_eq!(percent_encode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
    }

    #[test]
    fn the_signature_follows_version_1_0() {
        // The worked example of Alibaba Cloud's SMS signature document
        // (AccessKey testId / testSecret, its nonce and time).
        let params: BTreeMap<String, String> = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(signature("testSecret", "GET", &params), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
    }

    #[test]
    fn throttling_is_tried_again_and_a_refused_template_is_not() {
        assert!(failure("isv.BUSINESS_LIMIT_CONTROL", 200).retry);
        assert!(failure("Throttling.User", 400).retry);
        assert!(!failure("isv.SMS_TEMPLATE_ILLEGAL", 200).retry);
        assert!(failure("isv.SMS_TEMPLATE_ILLEGAL", 200).why.contains("模板"));
        assert!(!failure("SignatureDoesNotMatch", 400).retry);
    }
}
