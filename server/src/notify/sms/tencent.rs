//! Tencent Cloud SMS (`SendSms`, API version 2021-01-11), called with a JSON
//! body and signed with TC3-HMAC-SHA256 (API signature v3): a canonical
//! request (method, `/`, no query, the signed headers `content-type`, `host`
//! and `x-tc-action`, the body's SHA-256), a string to sign naming the
//! algorithm, the time and the scope `<UTC date>/sms/tc3_request`, and a key
//! derived by HMAC-SHA256 from `"TC3" + SecretKey` over the date, the service
//! and `tc3_request`.

use hmac::{Hmac, Mac};

use super::{Message, SmsProvider};
use crate::notify::Failure;

const CONTENT_TYPE: &str = "application/json; charset=utf-8";
const ACTION: &str = "SendSms";
const SERVICE: &str = "sms";

fn hmac256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The `Authorization` header of a request with `body` to `host` at `timestamp`.
pub fn authorization(secret_id: &str, secret_key: &str, host: &str, timestamp: i64, body: &str) -> String {
    let date = domain::time::date::rfc3339(timestamp)[..10].to_owned();
    let signed_headers = "content-type;host;x-tc-action";
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{}\n\n{signed_headers}\n{}",
        ACTION.to_lowercase(),
        crate::secret::sha256_hex(body.as_bytes())
    );
    let scope = format!("{date}/{SERVICE}/tc3_request");
    let to_sign =
        format!("TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}", crate::secret::sha256_hex(canonical_request.as_bytes()));
    let key = hmac256(&hmac256(&hmac256(format!("TC3{secret_key}").as_bytes(), &date), SERVICE), "tc3_request");
    let signature = crate::secret::hex(&hmac256(&key, &to_sign));
    format!("TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}")
}

/// The host (and port) of the endpoint, as the `Host` header carries it.
fn host_of(endpoint: &str) -> &str {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

pub async fn send(provider: &SmsProvider, client: &reqwest::Client, message: &Message<'_>) -> Result<String, Failure> {
    let body = serde_json::json!({
        "PhoneNumberSet": [format!("+86{}", message.phone)],
        "SmsSdkAppId": provider.app_id,
        "SignName": provider.sign_name,
        "TemplateId": message.template_id,
        "TemplateParamSet": message.params.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
    })
    .to_string();
    let host = host_of(&provider.endpoint);
    let timestamp = crate::db::unix_now();
    let response = client
        .post(format!("{}/", provider.endpoint.trim_end_matches('/')))
        .header("Content-Type", CONTENT_TYPE)
        .header("Host", host)
        .header("X-TC-Action", ACTION)
        .header("X-TC-Version", "2021-01-11")
        .header("X-TC-Timestamp", timestamp.to_string())
        .header("X-TC-Region", &provider.region)
        .header("Authorization", authorization(&provider.key_id, &provider.key_secret, host, timestamp, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| super::unreachable(&e))?;
    let status = response.status().as_u16();
    let text = response.bytes().await.unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_slice(&text).unwrap_or_default();
    let reply = &answer["Response"];
    if let Some(code) = reply["Error"]["Code"].as_str() {
        return Err(failure(code, status));
    }
    let sent = &reply["SendStatusSet"][0];
    match sent["Code"].as_str() {
        Some("Ok") => Ok(sent["SerialNo"].as_str().unwrap_or_default().to_owned()),
        Some(code) => Err(failure(code, status)),
        None => Err(failure("", status)),
    }
}

/// What an error code means for the message: refused for good, or worth another try.
pub fn failure(code: &str, status: u16) -> Failure {
    let permanent = |what: &str| Failure::permanent(format!("{what}（{code}）"));
    match code {
        "FailedOperation.TemplateIncorrectOrUnapproved" | "FailedOperation.MissingTemplateToModify" => {
            permanent("短信模板不存在或未通过审核")
        }
        "FailedOperation.SignatureIncorrectOrUnapproved" => permanent("短信签名不存在或未通过审核"),
        "FailedOperation.PhoneNumberInBlacklist" | "InvalidParameterValue.IncorrectPhoneNumber" => {
            permanent("手机号码不能接收短信")
        }
        c if c.starts_with("InvalidParameter") || c.starts_with("MissingParameter") => {
            permanent("短信模板的变量与登记的不一致")
        }
        c if c.starts_with("AuthFailure") || c.starts_with("UnauthorizedOperation") => {
            permanent("短信服务的密钥不正确或没有权限")
        }
        c if c == "RequestLimitExceeded" || c.starts_with("LimitExceeded") => Failure::throttled(code),
        _ => Failure::unexplained(code, status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_what_the_host_header_carries() {
        assert_eq!(host_of("https://sms.tencentcloudapi.com"), "sms.tencentcloudapi.com");
        assert_eq!(host_of("http://127.0.0.1:8123/"), "127.0.0.1:8123");
    }

    #[test]
    fn the_authorization_names_the_scope_and_the_signed_headers() {
        let header = authorization("AKIDexample", "secret", "sms.tencentcloudapi.com", 1_764_547_200, "{}");
        assert!(header.starts_with(
            "TC3-HMAC-SHA256 Credential=AKIDexample/2025-12-01/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature="
        ));
        assert_eq!(header.rsplit('=').next().unwrap().len(), 64);
    }

    #[test]
    fn a_throttled_request_is_tried_again_and_a_refused_template_is_not() {
        assert!(failure("LimitExceeded.PhoneNumberThirtySecondLimit", 200).retry);
        assert!(failure("RequestLimitExceeded", 200).retry);
        assert!(!failure("FailedOperation.TemplateIncorrectOrUnapproved", 200).retry);
        assert!(!failure("AuthFailure.SignatureFailure", 200).retry);
    }
}
