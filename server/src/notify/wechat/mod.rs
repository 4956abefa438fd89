//! Progress to applicants who signed in with WeChat, as 模板消息 from the
//! centre's 公众号 (`POST /cgi-bin/message/template/send`): to the openid of
//! the WeChat account that made or claimed the case, with a link to the
//! case's status page. WeChat sends only to people who follow the 公众号
//! (43004 otherwise: no retry can change that). The access token is shared by
//! every instance ([`token`]).

pub mod config;
pub mod send;
pub mod token;

pub use config::WechatNotices;
