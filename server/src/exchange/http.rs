//! Delivering acceptance-platform calls ([`super::acceptance`]) over HTTP.
//!
//! Each call is a POST to `<endpoint>/<method>`, a form body in the
//! platform's encoding (GB18030 by default): `appKey`, `method`, `serial`
//! (the outbox row's id and the call's place: the platform keeps each serial
//! once, so a retry after a lost answer is answered 重复 and changes nothing),
//! `timestamp` (`yyyyMMddHHmmss`, Beijing), `data` (the call's XML) and
//! `sign`: upper-case hex HMAC-SHA256, keyed by the secret, of
//! `appKey=…&data=…&method=…&serial=…&timestamp=…` (raw values, in the body's
//! encoding). The platform answers JSON `{"code", "msg", "data"}`: `00`
//! accepted, `02` already had it, `01` refused with a reason; anything else,
//! a 5xx or no answer is "away" and the outbox tries again.
//!
//! A case's calls go in the order they were written (an `accept` before its
//! `register` would be refused): a call waits while an earlier one of its case
//! is undelivered. Calls written before the platform numbered the case wait
//! for `getPId`'s answer, which is stored on the case and fills their `PROJID`.

use hmac::{Hmac, Mac};
use sqlx::Row;

use crate::exchange::acceptance::{CASE_FIELD, Call, Method};
use crate::notify::Failure;
use crate::settings::Secret;
use crate::settings::province::Charset;

/// The platform and the centre's credentials on it.
pub struct Platform {
    pub endpoint: String,
    pub app_key: String,
    pub secret: Secret,
    pub charset: Charset,
}

/// What the platform answers.
#[derive(serde::Deserialize)]
struct Answer {
    code: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: serde_json::Value,
}

impl Platform {
    /// Send the calls of outbox row `id` (one record, or `getPId`).
    pub async fn deliver(
        &self,
        db: &sqlx::AnyPool,
        client: &reqwest::Client,
        id: &str,
        payload: &str,
    ) -> Result<String, Failure> {
        let calls: Vec<Call> = serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
        let local = |e: sqlx::Error| Failure::retry(format!("本地数据库暂时不可用：{e}"));
        // The row's case, its number, and how many of its records are still ahead of this one.
        let row = sqlx::query(
            "SELECT o.case_number, c.province_number, (SELECT COUNT(*) FROM outbox e WHERE e.channel = 'province' \
             AND e.case_number = o.case_number AND e.state <> 'done' AND e.id < o.id) AS earlier \
             FROM outbox o JOIN cases c ON c.case_number = o.case_number WHERE o.id = $1",
        )
        .bind(id)
        .fetch_one(db)
        .await
        .map_err(local)?;
        let case_number: String = row.try_get("case_number").map_err(local)?;
        if row.try_get::<i64, _>("earlier").map_err(local)? > 0 {
            return Err(Failure::retry("等本件前一条记录先送达"));
        }
        let mut number: Option<String> = row.try_get("province_number").map_err(local)?;
        let mut said = Vec::new();
        for (n, call) in calls.iter().enumerate() {
            let serial = format!("{id}-{n}");
            match call.method {
                Method::GetPId => {
                    if number.is_some() {
                        said.push("已有办件编号".to_owned());
                        continue;
                    }
                    let answer = self.post(client, call, &serial).await?;
                    let given = answer.data["pId"].as_str().unwrap_or_default().to_owned();
                    if given.is_empty() || given.len() > 40 || !given.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        return Err(Failure::retry("省平台没有给出可用的办件编号"));
                    }
                    sqlx::query(
                        "UPDATE cases SET province_number = $1 WHERE case_number = $2 AND province_number IS NULL",
                    )
                    .bind(&given)
                    .bind(&case_number)
                    .execute(db)
                    .await
                    .map_err(local)?;
                    said.push(format!("赋码 {given}"));
                    number = Some(given);
                }
                Method::Register | Method::Accept | Method::Handler | Method::Over | Method::Evaluate => {
                    let Some(number) = &number else {
                        return Err(Failure::retry("待赋码：省平台还没有给出办件编号"));
                    };
                    let mut call = call.clone();
                    call.fields.insert(CASE_FIELD.to_owned(), number.clone());
                    let answer = self.post(client, &call, &serial).await?;
                    said.push(format!("{} {}", call.method.path(), if answer.code == "02" { "重复" } else { "成功" }));
                }
            }
        }
        Ok(said.join("；"))
    }

    /// One call; its answer when the platform took it (or already had it).
    async fn post(&self, client: &reqwest::Client, call: &Call, serial: &str) -> Result<Answer, Failure> {
        let encoding = self.charset.encoding();
        let encode = |text: &str| encoding.encode(text).0.into_owned();
        let now = crate::db::now_rfc3339();
        let timestamp = domain::case::exchange::codes::stamp(&now).unwrap_or_default().replace('T', "");
        let data = call.xml(self.charset.label());
        // Sorted by name, as the platform rebuilds it.
        let mut fields = vec![
            ("appKey", self.app_key.clone()),
            ("data", data),
            ("method", call.method.path().to_owned()),
            ("serial", serial.to_owned()),
            ("timestamp", timestamp),
        ];
        let canonical: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.secret.expose().as_bytes()).expect("HMAC takes any key");
        mac.update(&encode(&canonical.join("&")));
        let sign: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02X}")).collect();
        fields.push(("sign", sign));
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", form_urlencoded::byte_serialize(&encode(v)).collect::<String>()))
            .collect();
        let url = format!("{}/{}", self.endpoint.trim_end_matches('/'), call.method.path());
        let sent = client
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("application/x-www-form-urlencoded; charset={}", self.charset.label()),
            )
            .body(body.join("&"))
            .send()
            .await
            .map_err(|e| {
                Failure::retry(if e.is_timeout() { "省平台没有及时回答" } else { "连不上省平台" })
            })?;
        let status = sent.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(Failure::retry(format!("省平台暂时不可用（HTTP {}）", status.as_u16())));
        }
        let bytes = sent.bytes().await.map_err(|_| Failure::retry("省平台的回答没有读完"))?;
        let (text, _, _) = encoding.decode(&bytes);
        let Ok(answer) = serde_json::from_str::<Answer>(&text) else {
            return Err(Failure::retry(format!("省平台的回答看不懂（HTTP {}）", status.as_u16())));
        };
        match answer.code.as_str() {
            "00" | "02" => Ok(answer),
            // Refused with a reason: the record must be mended, trying again cannot help.
            "01" => Err(Failure::permanent(format!("省平台拒收：{}", short(&answer.msg)))),
            _ => Err(Failure::retry(format!("省平台暂时不能受理：{}", short(&answer.msg)))),
        }
    }
}

/// The platform's words, cut to what the console shows, with any long run of
/// digits (an ID or phone number it may quote back) masked: the reason is kept
/// in the outbox in clear.
fn short(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().filter(char::is_ascii_digit).count() >= 6 {
            out.push_str("******");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars().take(200) {
        if c.is_ascii_digit() || (c == 'X' || c == 'x') && !run.is_empty() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_number_the_platform_quotes_back_is_masked_in_what_is_kept() {
        assert_eq!(super::short("证件号码 11010519491231002X 校验失败"), "证件号码 ****** 校验失败");
        assert_eq!(super::short("手机号13812345678无效"), "手机号******无效");
        assert_eq!(super::short("实施编码 JT-003 未登记"), "实施编码 JT-003 未登记");
    }
}
