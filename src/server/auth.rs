//! Who is calling: a Bearer client secret minted by `POST /api/chatkit/session`, a Bearer JWT
//! from the configured identity provider (HS256), or the signed guest cookie. Each maps to one
//! user id that scopes every store query. Handlers take the caller as an extractor (`Caller`,
//! `MaybeCaller`), so no handler reads credentials itself.
//!
//! Guest credentials (the cookie and the client secrets minted from it) carry the user's
//! revocation generation: `Auth::revoke_guest` raises it and every earlier one stops working.

use super::AppState;
use crate::config::{Config, Secret};
use crate::error::AppError;
use crate::store::SharedStore;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const GUEST_COOKIE: &str = "pl_guest";
const SESSION_ISSUER: &str = "professor-lock";
const SESSION_AUDIENCE: &str = "professor-lock:chatkit";
/// A guest cookie older than this is renewed on use (the expiry rolls forward).
const GUEST_RENEW_AFTER: Duration = Duration::from_secs(3600);
/// How long a user's revocation generation is remembered: a revocation reaches every request
/// within this time, without a database read per request.
const GENERATION_CACHE_TTL: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallerKind {
    /// The signed guest cookie.
    Guest,
    /// A client secret minted for a guest.
    GuestSecret,
    /// A client secret minted for a user signed in with the identity provider.
    UserSecret,
    /// The identity provider's JWT itself.
    Jwt,
}

impl CallerKind {
    pub fn is_guest(self) -> bool {
        matches!(self, CallerKind::Guest | CallerKind::GuestSecret)
    }

    pub fn is_client_secret(self) -> bool {
        matches!(self, CallerKind::GuestSecret | CallerKind::UserSecret)
    }
}

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub kind: CallerKind,
    /// The guest generation the credential was issued at (0 for signed-in users).
    pub generation: i64,
}

/// The caller when the request carries credentials; `None` when it carries none. Credentials
/// that are present but invalid are still a 401.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.auth.require(&parts.headers).await
    }
}

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.auth.identify(&parts.headers).await.map(MaybeCaller)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SecretKind {
    Guest,
    User,
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    sub: String,
    iss: String,
    aud: String,
    iat: u64,
    exp: u64,
    /// Whom the secret was minted for; a secret without it (an older format) is refused.
    kind: SecretKind,
    #[serde(default)]
    generation: i64,
}

#[derive(Debug, Deserialize)]
struct ExternalClaims {
    sub: String,
}

/// What the signed guest cookie holds: `user_id.generation.issued_at`. The jar's HMAC makes it
/// unforgeable; the issue time bounds its life.
#[derive(Clone, Debug, PartialEq, Eq)]
struct GuestToken {
    user_id: String,
    generation: i64,
    issued_at: u64,
}

impl GuestToken {
    fn encode(&self) -> String {
        format!("{}.{}.{}", self.user_id, self.generation, self.issued_at)
    }

    fn decode(value: &str) -> Option<Self> {
        let mut parts = value.rsplitn(3, '.');
        let issued_at = parts.next()?.parse().ok()?;
        let generation = parts.next()?.parse().ok()?;
        let user_id = parts.next()?;
        user_id.starts_with("guest_").then(|| GuestToken {
            user_id: user_id.to_owned(),
            generation,
            issued_at,
        })
    }
}

/// A valid guest cookie: its caller, and whether the response should renew it.
pub struct GuestSession {
    pub caller: Caller,
    pub needs_renewal: bool,
}

/// Keys and policy for authentication, built once at start-up.
#[derive(Clone)]
pub struct Auth {
    cookie_key: Key,
    session_encoding: EncodingKey,
    session_decoding: DecodingKey,
    session_validation: Validation,
    external: Option<(DecodingKey, Validation)>,
    store: SharedStore,
    generations: moka::future::Cache<String, i64>,
    pub guests_allowed: bool,
    pub cookie_secure: bool,
    pub session_ttl: Duration,
    pub guest_cookie_ttl: Duration,
}

impl Auth {
    pub fn new(config: &Config, secret_key: &Secret, loopback: bool, store: SharedStore) -> Self {
        // Separate keys for cookies and client secrets, both derived from the one secret.
        let cookie_key = Key::derive_from(secret_key.expose().as_bytes());
        let session_secret = format!("{}|chatkit-session", secret_key.expose());
        let mut session_validation = Validation::new(Algorithm::HS256);
        session_validation.set_issuer(&[SESSION_ISSUER]);
        session_validation.set_audience(&[SESSION_AUDIENCE]);
        session_validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        session_validation.leeway = 5;
        let external = config.jwt.as_ref().map(|jwt| {
            let mut validation = Validation::new(Algorithm::HS256);
            validation.leeway = 30;
            validation.validate_nbf = true;
            // A claim the server is configured to check must be present, not merely right
            // when present.
            let mut required = vec!["exp", "sub"];
            if let Some(iss) = &jwt.issuer {
                validation.set_issuer(&[iss]);
                required.push("iss");
            }
            match &jwt.audience {
                Some(aud) => {
                    validation.set_audience(&[aud]);
                    required.push("aud");
                }
                None => validation.validate_aud = false,
            }
            validation.set_required_spec_claims(&required);
            (
                DecodingKey::from_secret(jwt.secret.expose().as_bytes()),
                validation,
            )
        });
        Auth {
            cookie_key,
            session_encoding: EncodingKey::from_secret(session_secret.as_bytes()),
            session_decoding: DecodingKey::from_secret(session_secret.as_bytes()),
            session_validation,
            external,
            store,
            generations: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(GENERATION_CACHE_TTL)
                .build(),
            guests_allowed: config.guests_allowed,
            cookie_secure: config.cookie_secure.unwrap_or(!loopback),
            session_ttl: Duration::from_secs(config.app.limits.session_ttl_secs),
            guest_cookie_ttl: Duration::from_secs(config.app.limits.guest_cookie_ttl_secs),
        }
    }

    /// Identifies the caller; `None` when the request carries no credentials at all.
    /// Credentials that are present but invalid or expired are an error, never a guest.
    pub async fn identify(&self, headers: &HeaderMap) -> Result<Option<Caller>, AppError> {
        if let Some(value) = headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    AppError::Unauthorized("Authorization must be a Bearer token".into())
                })?;
            return self.verify_bearer(token).await.map(Some);
        }
        Ok(self.guest_session(headers).await?.map(|s| s.caller))
    }

    pub async fn require(&self, headers: &HeaderMap) -> Result<Caller, AppError> {
        self.identify(headers).await?.ok_or_else(|| {
            AppError::Unauthorized("sign in, or send a client secret as a Bearer token".into())
        })
    }

    /// The guest the request's cookie names, if the cookie is genuine, unexpired and not
    /// revoked (and guests are allowed at all).
    pub async fn guest_session(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<GuestSession>, AppError> {
        if !self.guests_allowed {
            return Ok(None);
        }
        let jar = SignedCookieJar::from_headers(headers, self.cookie_key.clone());
        let Some(token) = jar
            .get(GUEST_COOKIE)
            .and_then(|c| GuestToken::decode(c.value()))
        else {
            return Ok(None);
        };
        let now = unix_now();
        let age = now.saturating_sub(token.issued_at);
        if token.issued_at > now + 60 || age > self.guest_cookie_ttl.as_secs() {
            return Ok(None);
        }
        if token.generation < self.generation(&token.user_id).await? {
            return Ok(None);
        }
        Ok(Some(GuestSession {
            needs_renewal: age > GUEST_RENEW_AFTER.as_secs(),
            caller: Caller {
                user_id: token.user_id,
                kind: CallerKind::Guest,
                generation: token.generation,
            },
        }))
    }

    async fn verify_bearer(&self, token: &str) -> Result<Caller, AppError> {
        if let Ok(data) =
            decode::<SessionClaims>(token, &self.session_decoding, &self.session_validation)
        {
            let claims = data.claims;
            return match claims.kind {
                SecretKind::User => Ok(Caller {
                    user_id: claims.sub,
                    kind: CallerKind::UserSecret,
                    generation: 0,
                }),
                SecretKind::Guest if !self.guests_allowed => Err(AppError::Unauthorized(
                    "guest access is turned off on this server: sign in".into(),
                )),
                SecretKind::Guest if claims.generation < self.generation(&claims.sub).await? => {
                    Err(AppError::Unauthorized(
                        "this guest session was revoked".into(),
                    ))
                }
                SecretKind::Guest => Ok(Caller {
                    user_id: claims.sub,
                    kind: CallerKind::GuestSecret,
                    generation: claims.generation,
                }),
            };
        }
        if let Some((key, validation)) = &self.external {
            return match decode::<ExternalClaims>(token, key, validation) {
                Ok(data) if !data.claims.sub.is_empty() => Ok(Caller {
                    user_id: format!("jwt:{}", data.claims.sub),
                    kind: CallerKind::Jwt,
                    generation: 0,
                }),
                Ok(_) => Err(AppError::Unauthorized("token has no subject".into())),
                Err(e) => Err(AppError::Unauthorized(format!(
                    "invalid token: {}",
                    describe(&e)
                ))),
            };
        }
        Err(AppError::Unauthorized(
            "invalid or expired client secret".into(),
        ))
    }

    /// The user's current guest generation (briefly cached).
    async fn generation(&self, user_id: &str) -> Result<i64, AppError> {
        let store = self.store.clone();
        let user = user_id.to_owned();
        self.generations
            .try_get_with(user_id.to_owned(), async move {
                store.guest_generation(&user).await
            })
            .await
            .map_err(|e| {
                if e.is_unavailable() {
                    AppError::database_unavailable()
                } else {
                    AppError::internal(format!("guest generation: {e}"))
                }
            })
    }

    /// Ends every guest cookie and guest client secret issued to the user so far.
    pub async fn revoke_guest(&self, user_id: &str) -> Result<i64, AppError> {
        let generation = self.store.revoke_guest(user_id).await?;
        self.generations.invalidate(user_id).await;
        Ok(generation)
    }

    /// A short-lived client secret for the caller (a JWT only this server can verify). Only a
    /// guest cookie or the identity provider's JWT can mint one: a client secret never renews
    /// itself.
    pub fn mint_client_secret(&self, caller: &Caller) -> Result<(String, u64), AppError> {
        let kind = match caller.kind {
            CallerKind::Guest => SecretKind::Guest,
            CallerKind::Jwt => SecretKind::User,
            CallerKind::GuestSecret | CallerKind::UserSecret => return Err(AppError::Forbidden(
                "a client secret cannot mint another: use the guest cookie or your sign-in token"
                    .into(),
            )),
        };
        let now = unix_now();
        let exp = now + self.session_ttl.as_secs();
        let claims = SessionClaims {
            sub: caller.user_id.clone(),
            iss: SESSION_ISSUER.into(),
            aud: SESSION_AUDIENCE.into(),
            iat: now,
            exp,
            kind,
            generation: caller.generation,
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.session_encoding,
        )
        .map_err(AppError::internal)?;
        Ok((token, exp))
    }

    /// A new guest user and the signed cookie that carries it.
    pub fn new_guest(&self, jar: SignedCookieJar) -> (Caller, SignedCookieJar) {
        let user_id = crate::ids::new_id(crate::ids::IdKind::Session).replacen("ses_", "guest_", 1);
        let caller = Caller {
            user_id,
            kind: CallerKind::Guest,
            generation: 0,
        };
        let jar = self.with_guest_cookie(jar, &caller);
        (caller, jar)
    }

    /// The jar with a fresh cookie for the guest: issued now, so its expiry rolls forward.
    pub fn with_guest_cookie(&self, jar: SignedCookieJar, guest: &Caller) -> SignedCookieJar {
        let token = GuestToken {
            user_id: guest.user_id.clone(),
            generation: guest.generation,
            issued_at: unix_now(),
        };
        let max_age = i64::try_from(self.guest_cookie_ttl.as_secs()).unwrap_or(i64::MAX);
        let cookie = Cookie::build((GUEST_COOKIE, token.encode()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.cookie_secure)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age))
            .build();
        jar.add(cookie)
    }

    pub fn cookie_jar(&self, headers: &HeaderMap) -> SignedCookieJar {
        SignedCookieJar::from_headers(headers, self.cookie_key.clone())
    }
}

fn describe(e: &jsonwebtoken::errors::Error) -> &'static str {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not valid yet",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidAlgorithm => "algorithm not allowed",
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "exp" => "no exp claim",
            "aud" => "no aud claim",
            "iss" => "no iss claim",
            "sub" => "no sub claim",
            _ => "a required claim is missing",
        },
        _ => "malformed",
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// What an attachment link lets its bearer do. Each purpose has its own audience, so a preview
/// link can never be used to upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    Upload,
    Preview,
}

impl LinkPurpose {
    fn audience(self) -> &'static str {
        match self {
            LinkPurpose::Upload => "professor-lock:attachment-upload",
            LinkPurpose::Preview => "professor-lock:attachment-preview",
        }
    }

    fn ttl(self) -> Duration {
        match self {
            LinkPurpose::Upload => Duration::from_secs(3600),
            LinkPurpose::Preview => Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AttachmentClaims {
    sub: String,
    att: String,
    aud: String,
    exp: u64,
}

impl Auth {
    /// A token that lets its bearer do one thing with one attachment of one user until it
    /// expires.
    pub fn sign_attachment(
        &self,
        purpose: LinkPurpose,
        user_id: &str,
        attachment_id: &str,
    ) -> String {
        let claims = AttachmentClaims {
            sub: user_id.to_owned(),
            att: attachment_id.to_owned(),
            aud: purpose.audience().into(),
            exp: unix_now() + purpose.ttl().as_secs(),
        };
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.session_encoding,
        )
        .unwrap_or_default()
    }

    /// The user a token was signed for, if it is valid for this purpose and attachment.
    pub fn verify_attachment(
        &self,
        purpose: LinkPurpose,
        token: &str,
        attachment_id: &str,
    ) -> Result<String, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[purpose.audience()]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.leeway = 5;
        let data = decode::<AttachmentClaims>(token, &self.session_decoding, &validation)
            .map_err(|e| AppError::Unauthorized(format!("attachment link {}", describe(&e))))?;
        if data.claims.att != attachment_id {
            return Err(AppError::Unauthorized(
                "attachment link is for another attachment".into(),
            ));
        }
        Ok(data.claims.sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use axum::http::HeaderValue;
    use std::collections::BTreeMap;

    async fn auth_with(vars: &[(&str, &str)]) -> Auth {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_vars(vars).unwrap();
        let store = crate::store::connect("sqlite::memory:", 1).await.unwrap();
        Auth::new(&config, &Secret::new("k".repeat(48)), true, store)
    }

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    fn cookie_headers(jar: SignedCookieJar) -> HeaderMap {
        let response = axum::response::IntoResponse::into_response((jar, "ok"));
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        let pair = set_cookie.split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        headers
    }

    const IDP_SECRET: &str = "supabase-jwt-secret-that-is-long-enough-123";

    fn idp_token(claims: serde_json::Value, secret: &str) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn in_secs(offset: i64) -> u64 {
        (unix_now() as i64 + offset) as u64
    }

    fn guest(user_id: &str) -> Caller {
        Caller {
            user_id: user_id.into(),
            kind: CallerKind::Guest,
            generation: 0,
        }
    }

    #[tokio::test]
    async fn client_secrets_identify_their_user_until_forged() {
        let auth = auth_with(&[]).await;
        let (secret, exp) = auth.mint_client_secret(&guest("guest_a")).unwrap();
        assert!(exp > unix_now());
        let caller = auth.require(&bearer(&secret)).await.unwrap();
        assert_eq!(caller.user_id, "guest_a");
        assert_eq!(caller.kind, CallerKind::GuestSecret);
        let forged = format!("{}x", &secret[..secret.len() - 1]);
        assert!(matches!(
            auth.require(&bearer(&forged)).await,
            Err(AppError::Unauthorized(_))
        ));
        let other = Auth::new(
            &Config::from_vars(BTreeMap::new()).unwrap(),
            &Secret::new("z".repeat(48)),
            true,
            crate::store::connect("sqlite::memory:", 1).await.unwrap(),
        );
        assert!(
            other.require(&bearer(&secret)).await.is_err(),
            "another server key rejects it"
        );
    }

    #[tokio::test]
    async fn a_client_secret_cannot_mint_another() {
        let auth = auth_with(&[]).await;
        let (secret, _) = auth.mint_client_secret(&guest("guest_a")).unwrap();
        let caller = auth.require(&bearer(&secret)).await.unwrap();
        assert!(matches!(
            auth.mint_client_secret(&caller),
            Err(AppError::Forbidden(_))
        ));
    }

    #[tokio::test]
    async fn guest_secrets_fail_once_guests_are_off() {
        let on = auth_with(&[]).await;
        let (secret, _) = on.mint_client_secret(&guest("guest_a")).unwrap();
        let off = auth_with(&[("PL_GUESTS", "false"), ("PL_JWT_SECRET", IDP_SECRET)]).await;
        let err = off.require(&bearer(&secret)).await.unwrap_err();
        assert!(
            err.to_string().contains("guest access is turned off"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn no_credentials_is_none_and_garbage_is_401() {
        let auth = auth_with(&[]).await;
        assert_eq!(auth.identify(&HeaderMap::new()).await.unwrap(), None);
        assert!(auth.require(&HeaderMap::new()).await.is_err());
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(auth.identify(&headers).await.is_err());
    }

    #[tokio::test]
    async fn guest_cookie_round_trip_and_tampering() {
        let auth = auth_with(&[]).await;
        let (guest, jar) = auth.new_guest(auth.cookie_jar(&HeaderMap::new()));
        let response = axum::response::IntoResponse::into_response((jar.clone(), "ok"));
        let set_cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            set_cookie.contains("HttpOnly")
                && set_cookie.contains("SameSite=Lax")
                && set_cookie.contains("Max-Age=2592000"),
            "the cookie expires: {set_cookie}"
        );
        let headers = cookie_headers(jar);
        assert_eq!(auth.require(&headers).await.unwrap(), guest);
        let value = headers[header::COOKIE].to_str().unwrap();
        assert!(
            !value.ends_with(&format!("={}", guest.user_id)),
            "the cookie is not the bare user id: {value}"
        );

        let tampered = value.replace("guest_", "guesx_");
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&tampered).unwrap());
        assert_eq!(
            auth.identify(&headers).await.unwrap(),
            None,
            "a tampered cookie is no user"
        );
    }

    #[tokio::test]
    async fn guest_cookies_expire_and_renew_on_use() {
        let auth = auth_with(&[]).await;
        let jar = |issued_at: u64| {
            let value = GuestToken {
                user_id: "guest_old".into(),
                generation: 0,
                issued_at,
            }
            .encode();
            auth.cookie_jar(&HeaderMap::new())
                .add(Cookie::new(GUEST_COOKIE, value))
        };
        let ttl = auth.guest_cookie_ttl.as_secs() as i64;
        let expired = cookie_headers(jar(in_secs(-ttl - 10)));
        assert!(auth.guest_session(&expired).await.unwrap().is_none());
        let aging = cookie_headers(jar(in_secs(-2 * 3600)));
        let session = auth.guest_session(&aging).await.unwrap().unwrap();
        assert!(session.needs_renewal, "an old cookie is renewed on use");
        let fresh = cookie_headers(
            auth.with_guest_cookie(auth.cookie_jar(&HeaderMap::new()), &session.caller),
        );
        let session = auth.guest_session(&fresh).await.unwrap().unwrap();
        assert!(!session.needs_renewal);
        assert_eq!(session.caller.user_id, "guest_old");
    }

    #[tokio::test]
    async fn revoking_a_guest_ends_its_cookie_and_secrets_only() {
        let auth = auth_with(&[]).await;
        let (alice, alice_jar) = auth.new_guest(auth.cookie_jar(&HeaderMap::new()));
        let (bob, bob_jar) = auth.new_guest(auth.cookie_jar(&HeaderMap::new()));
        let alice_cookie = cookie_headers(alice_jar);
        let bob_cookie = cookie_headers(bob_jar);
        let (alice_secret, _) = auth.mint_client_secret(&alice).unwrap();
        assert!(auth.require(&alice_cookie).await.is_ok());
        assert_eq!(auth.revoke_guest(&alice.user_id).await.unwrap(), 1);
        assert_eq!(auth.identify(&alice_cookie).await.unwrap(), None);
        assert!(auth.require(&bearer(&alice_secret)).await.is_err());
        assert_eq!(auth.require(&bob_cookie).await.unwrap(), bob);
        // A new cookie at the new generation works again.
        let renewed = Caller {
            generation: 1,
            ..alice
        };
        let headers =
            cookie_headers(auth.with_guest_cookie(auth.cookie_jar(&HeaderMap::new()), &renewed));
        assert!(auth.require(&headers).await.is_ok());
    }

    #[tokio::test]
    async fn external_jwts_are_checked_for_signature_expiry_and_audience() {
        let auth = auth_with(&[
            ("PL_JWT_SECRET", IDP_SECRET),
            ("PL_JWT_AUDIENCE", "authenticated"),
        ])
        .await;
        let token = |sub: &str, exp: i64, secret: &str, aud: &str| {
            idp_token(
                serde_json::json!({"sub": sub, "exp": in_secs(exp), "aud": aud}),
                secret,
            )
        };
        let ok = token("user-1", 600, IDP_SECRET, "authenticated");
        let caller = auth.require(&bearer(&ok)).await.unwrap();
        assert_eq!(caller.user_id, "jwt:user-1");
        assert_eq!(caller.kind, CallerKind::Jwt);
        let (secret, _) = auth.mint_client_secret(&caller).unwrap();
        assert_eq!(
            auth.require(&bearer(&secret)).await.unwrap().kind,
            CallerKind::UserSecret
        );
        let expired = token("user-1", -600, IDP_SECRET, "authenticated");
        assert!(auth.require(&bearer(&expired)).await.is_err());
        let forged = token(
            "user-1",
            600,
            "another-secret-that-is-long-enough-1234",
            "authenticated",
        );
        assert!(auth.require(&bearer(&forged)).await.is_err());
        let wrong_aud = token("user-1", 600, IDP_SECRET, "anon");
        assert!(auth.require(&bearer(&wrong_aud)).await.is_err());
    }

    #[tokio::test]
    async fn configured_claims_are_required_and_nbf_is_checked() {
        let auth = auth_with(&[
            ("PL_JWT_SECRET", IDP_SECRET),
            ("PL_JWT_AUDIENCE", "authenticated"),
            ("PL_JWT_ISSUER", "https://idp.example"),
        ])
        .await;
        let full = serde_json::json!({
            "sub": "u", "exp": in_secs(600), "aud": "authenticated", "iss": "https://idp.example"
        });
        assert!(auth
            .require(&bearer(&idp_token(full.clone(), IDP_SECRET)))
            .await
            .is_ok());
        for (claim, says) in [
            ("aud", "no aud claim"),
            ("iss", "no iss claim"),
            ("exp", "no exp claim"),
        ] {
            let mut claims = full.clone();
            claims.as_object_mut().unwrap().remove(claim);
            let err = auth
                .require(&bearer(&idp_token(claims, IDP_SECRET)))
                .await
                .unwrap_err();
            assert!(err.to_string().contains(says), "without {claim}: {err}");
        }
        let mut early = full.clone();
        early["nbf"] = serde_json::json!(in_secs(3600));
        let err = auth
            .require(&bearer(&idp_token(early, IDP_SECRET)))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not valid yet"), "{err}");
    }

    #[tokio::test]
    async fn attachment_links_are_bound_to_one_attachment_and_one_purpose() {
        let auth = auth_with(&[]).await;
        let upload = auth.sign_attachment(LinkPurpose::Upload, "guest_a", "atc_1");
        assert_eq!(
            auth.verify_attachment(LinkPurpose::Upload, &upload, "atc_1")
                .unwrap(),
            "guest_a"
        );
        assert!(auth
            .verify_attachment(LinkPurpose::Upload, &upload, "atc_2")
            .is_err());
        let preview = auth.sign_attachment(LinkPurpose::Preview, "guest_a", "atc_1");
        assert!(
            auth.verify_attachment(LinkPurpose::Upload, &preview, "atc_1")
                .is_err(),
            "a preview link does not upload"
        );
        assert!(auth
            .verify_attachment(LinkPurpose::Preview, &upload, "atc_1")
            .is_err());
        let (secret, _) = auth.mint_client_secret(&guest("guest_a")).unwrap();
        assert!(
            auth.verify_attachment(LinkPurpose::Upload, &secret, "atc_1")
                .is_err(),
            "a client secret is no attachment link"
        );
    }
}
