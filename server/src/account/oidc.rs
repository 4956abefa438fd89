//! The generic OpenID Connect adapter: authorization code with PKCE (S256), a
//! nonce, the `state` bound to the browser that began the sign-in by a
//! short-lived cookie, the ID token verified, the user-info read with the
//! access token; the provider's redirects are never followed. What it says
//! becomes one `Identity`, and a session.

use domain::account::identity::{Assurance, Identity, MAX_LEVEL, SubjectKind};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};

use crate::AppState;
use crate::account::provider::Provider;
use crate::account::sign_ins::{self, Adapter, Pending};
use crate::error::ApiError;

/// The HTTP client for a provider: redirects are answers, not followed.
pub fn http() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no HTTP client: {e}")))
}

pub fn unavailable(what: impl std::fmt::Display) -> ApiError {
    tracing::warn!(%what, "the sign-in provider could not be used");
    ApiError::Unavailable("统一身份认证暂时连不上，请稍后再试，或不登录直接办理".to_owned())
}

async fn provider(state: &AppState) -> Result<&Provider, ApiError> {
    let Some(issuer) = state.sign_in.oidc_issuer.as_deref() else {
        return Err(ApiError::NotFound("本中心没有开通统一身份认证登录，可以不登录直接办理".to_owned()));
    };
    state
        .oidc
        .get_or_try_init(|| async {
            let issuer = IssuerUrl::new(issuer.to_owned()).map_err(unavailable)?;
            let metadata = CoreProviderMetadata::discover_async(issuer, &http()?).await.map_err(unavailable)?;
            Ok(Provider { metadata })
        })
        .await
}

fn redirect_url(state: &AppState) -> Result<RedirectUrl, ApiError> {
    let url = format!("{}/api/auth/oidc/callback", state.sign_in.oidc_public_url.trim_end_matches('/'));
    RedirectUrl::new(url).map_err(unavailable)
}

/// The provider as this centre's registered client.
type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

fn client(state: &AppState, provider: &Provider) -> Result<Client, ApiError> {
    Ok(CoreClient::from_provider_metadata(
        provider.metadata.clone(),
        ClientId::new(state.sign_in.oidc_client_id.clone()),
        state.sign_in.oidc_client_secret.as_ref().map(|s| ClientSecret::new(s.expose().to_owned())),
    )
    .set_redirect_uri(redirect_url(state)?))
}

/// Begin a sign-in: the provider's address to send the browser to, and the
/// binding cookie's value.
pub async fn begin(state: &AppState, return_to: &str) -> Result<(String, String), ApiError> {
    let provider = provider(state).await?;
    let client = client(state, provider)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request =
        client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
    for scope in state.sign_in.oidc_scopes.split_whitespace() {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let pending = Pending {
        provider: Adapter::Oidc,
        verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        return_to: return_to.to_owned(),
    };
    let binding = sign_ins::record(state, csrf.secret(), &pending).await?;
    Ok((url.to_string(), binding))
}

/// Finish a sign-in the provider sent back: the identity, and where to return.
pub async fn finish(
    state: &AppState,
    code: &str,
    returned_state: &str,
    binding: Option<&str>,
) -> Result<(Identity, String), ApiError> {
    let pending = sign_ins::take(state, Adapter::Oidc, returned_state, binding).await?;
    let provider = provider(state).await?;
    let client = client(state, provider)?;
    let http = http()?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "the provider refused the code");
            sign_ins::expired()
        })?;
    let id_token = tokens.id_token().ok_or_else(|| unavailable("no ID token"))?;
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, &Nonce::new(pending.nonce)).map_err(unavailable)?;
    if let Some(expected) = claims.access_token_hash() {
        let signing = id_token.signing_alg().map_err(unavailable)?;
        let key = id_token.signing_key(&verifier).map_err(unavailable)?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), signing, key).map_err(unavailable)?;
        if actual != *expected {
            return Err(unavailable("the access token does not match the ID token"));
        }
    }
    let subject = claims.subject().as_str().to_owned();
    let acr = claims.auth_context_ref().map(|a| a.as_str().to_owned()).unwrap_or_default();
    let info = user_info(provider, tokens.access_token().secret(), &http).await?;
    if info.get("sub").and_then(|s| s.as_str()) != Some(subject.as_str()) {
        return Err(unavailable("the user-info names someone else"));
    }
    let text = |key: &str| info.get(key).and_then(|v| v.as_str()).map(str::to_owned).filter(|v| !v.is_empty());
    let today = crate::db::china_date().ymd();
    let id_number = text(&state.sign_in.oidc_id_number_claim)
        .filter(|id| domain::apply::identity::check_resident_id(id, today).is_ok());
    let level = acr.parse::<u8>().ok().filter(|l| *l <= MAX_LEVEL).unwrap_or(state.sign_in.oidc_level.min(MAX_LEVEL));
    let identity = Identity {
        provider: "oidc".to_owned(),
        subject,
        kind: SubjectKind::Person,
        real_name: text("name"),
        id_number,
        phone: text("phone_number"),
        assurance: Assurance { level, raw: acr },
        credit_code: None,
        organisation: None,
        authenticated_at: crate::db::now_rfc3339(),
    };
    Ok((identity, pending.return_to))
}

/// The provider's user-info for this access token (the claims the scopes cover).
async fn user_info(
    provider: &Provider,
    access_token: &str,
    http: &reqwest::Client,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let endpoint = provider.metadata.userinfo_endpoint().ok_or_else(|| unavailable("no user-info endpoint"))?;
    let response = http.get(endpoint.url().as_str()).bearer_auth(access_token).send().await.map_err(unavailable)?;
    if !response.status().is_success() {
        return Err(unavailable(format!("user-info answered {}", response.status())));
    }
    let bytes = response.bytes().await.map_err(unavailable)?;
    serde_json::from_slice(&bytes).map_err(unavailable)
}
