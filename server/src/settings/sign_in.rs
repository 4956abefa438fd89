//! Signing in with an OpenID Connect provider: where it is, how Bianmin is
//! registered with it, and how sure its sign-ins are. Without an issuer,
//! nobody signs in and everything works anonymously as before.

use clap::Args;

use super::Secret;

#[derive(Clone, Debug, Args)]
pub struct SignInSettings {
    /// The provider's issuer URL (its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`); unset, sign-in is off.
    #[arg(long, env = "BIANMIN_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id the centre registered with the provider.
    #[arg(long, env = "BIANMIN_OIDC_CLIENT_ID", default_value = "")]
    pub oidc_client_id: String,
    /// The client secret the provider gave for it.
    #[arg(long, env = "BIANMIN_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<Secret>,
    /// The site's public address every provider sends people back to
    /// (`<public-url>/api/auth/oidc/callback`, `…/wechat/callback` are registered with them).
    #[arg(long, env = "BIANMIN_OIDC_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub oidc_public_url: String,
    /// The scopes asked for besides `openid`, separated by spaces.
    #[arg(long, env = "BIANMIN_OIDC_SCOPES", default_value = "profile phone")]
    pub oidc_scopes: String,
    /// The user-info claim holding the resident ID number (verified by the provider).
    #[arg(long, env = "BIANMIN_OIDC_ID_NUMBER_CLAIM", default_value = "id_number")]
    pub oidc_id_number_claim: String,
    /// The assurance level (0–4) a sign-in with this provider counts as when its
    /// ID token has no numeric `acr`.
    #[arg(long, env = "BIANMIN_OIDC_LEVEL", default_value_t = 2)]
    pub oidc_level: u8,
    /// The 公众号's AppID for WeChat web authorisation (网页授权); unset, no WeChat sign-in.
    #[arg(long, env = "BIANMIN_WECHAT_APPID")]
    pub wechat_appid: Option<String>,
    /// Its AppSecret.
    #[arg(long, env = "BIANMIN_WECHAT_SECRET", hide_env_values = true)]
    pub wechat_secret: Option<Secret>,
    /// WeChat's authorisation page (another address only for a stand-in in tests).
    #[arg(
        long,
        env = "BIANMIN_WECHAT_AUTHORIZE_URL",
        default_value = "https://open.weixin.qq.com/connect/oauth2/authorize"
    )]
    pub wechat_authorize_url: String,
    /// WeChat's API, where a `code` is exchanged for the `openid`.
    #[arg(long, env = "BIANMIN_WECHAT_API_URL", default_value = "https://api.weixin.qq.com")]
    pub wechat_api_url: String,
    /// The service code (servicecode) a Zhejiang-style platform issued; unset, no such sign-in.
    #[arg(long, env = "BIANMIN_ZHEJIANG_SERVICE_CODE")]
    pub zhejiang_service_code: Option<String>,
    /// Its service password (servicepwd), which signs every call.
    #[arg(long, env = "BIANMIN_ZHEJIANG_SERVICE_PASSWORD", hide_env_values = true)]
    pub zhejiang_service_password: Option<Secret>,
    /// Its login page, as the province's access document gives it (`goto` and `servicecode` are added).
    #[arg(long, env = "BIANMIN_ZHEJIANG_LOGIN_URL", default_value = "")]
    pub zhejiang_login_url: String,
    /// Its `simpleauth` API (`ticketValidation`, `getUserInfo`).
    #[arg(long, env = "BIANMIN_ZHEJIANG_API_URL", default_value = "")]
    pub zhejiang_api_url: String,
    /// The client id a Guangdong-style OAuth platform issued; unset, no such sign-in.
    #[arg(long, env = "BIANMIN_GUANGDONG_CLIENT_ID")]
    pub guangdong_client_id: Option<String>,
    /// Its client secret.
    #[arg(long, env = "BIANMIN_GUANGDONG_CLIENT_SECRET", hide_env_values = true)]
    pub guangdong_client_secret: Option<Secret>,
    /// Its address, under which `authorize`, `access_token` and `tokeninfo` are.
    #[arg(long, env = "BIANMIN_GUANGDONG_BASE_URL", default_value = "")]
    pub guangdong_base_url: String,
}
