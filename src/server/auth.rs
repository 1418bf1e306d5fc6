//! Who is calling: a Bearer client secret minted by `POST /api/chatkit/session`, a Bearer JWT
//! from the configured identity provider (HS256), or the signed guest cookie. Each maps to one
//! user id that scopes every store query.

use crate::config::{Config, Secret};
use crate::error::AppError;
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const GUEST_COOKIE: &str = "pl_guest";
const SESSION_ISSUER: &str = "professor-lock";
const SESSION_AUDIENCE: &str = "professor-lock:chatkit";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallerKind {
    Guest,
    ClientSecret,
    Jwt,
}

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub kind: CallerKind,
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    sub: String,
    iss: String,
    aud: String,
    iat: u64,
    exp: u64,
}

#[derive(Debug, Deserialize)]
struct ExternalClaims {
    sub: String,
}

/// Keys and policy for authentication, built once at start-up.
#[derive(Clone)]
pub struct Auth {
    cookie_key: Key,
    session_encoding: EncodingKey,
    session_decoding: DecodingKey,
    session_validation: Validation,
    external: Option<(DecodingKey, Validation)>,
    pub guests_allowed: bool,
    pub cookie_secure: bool,
    pub session_ttl: Duration,
}

impl Auth {
    pub fn new(config: &Config, secret_key: &Secret, loopback: bool) -> Self {
        // Separate keys for cookies and client secrets, both derived from the one secret.
        let cookie_key = Key::derive_from(secret_key.expose().as_bytes());
        let session_secret = format!("{}|chatkit-session", secret_key.expose());
        let mut session_validation = Validation::new(Algorithm::HS256);
        session_validation.set_issuer(&[SESSION_ISSUER]);
        session_validation.set_audience(&[SESSION_AUDIENCE]);
        session_validation.leeway = 5;
        let external = config.jwt.as_ref().map(|jwt| {
            let mut validation = Validation::new(Algorithm::HS256);
            validation.leeway = 30;
            if let Some(iss) = &jwt.issuer {
                validation.set_issuer(&[iss]);
            }
            match &jwt.audience {
                Some(aud) => validation.set_audience(&[aud]),
                None => validation.validate_aud = false,
            }
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
            guests_allowed: config.guests_allowed,
            cookie_secure: config.cookie_secure.unwrap_or(!loopback),
            session_ttl: Duration::from_secs(config.app.limits.session_ttl_secs),
        }
    }

    /// Identifies the caller; `None` when the request carries no credentials at all.
    /// Credentials that are present but invalid or expired are an error, never a guest.
    pub fn identify(&self, headers: &HeaderMap) -> Result<Option<Caller>, AppError> {
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
            return self.verify_bearer(token).map(Some);
        }
        if self.guests_allowed {
            let jar = SignedCookieJar::from_headers(headers, self.cookie_key.clone());
            if let Some(cookie) = jar.get(GUEST_COOKIE) {
                return Ok(Some(Caller {
                    user_id: cookie.value().to_owned(),
                    kind: CallerKind::Guest,
                }));
            }
        }
        Ok(None)
    }

    pub fn require(&self, headers: &HeaderMap) -> Result<Caller, AppError> {
        self.identify(headers)?.ok_or_else(|| {
            AppError::Unauthorized("sign in, or send a client secret as a Bearer token".into())
        })
    }

    fn verify_bearer(&self, token: &str) -> Result<Caller, AppError> {
        if let Ok(data) =
            decode::<SessionClaims>(token, &self.session_decoding, &self.session_validation)
        {
            return Ok(Caller {
                user_id: data.claims.sub,
                kind: CallerKind::ClientSecret,
            });
        }
        if let Some((key, validation)) = &self.external {
            return match decode::<ExternalClaims>(token, key, validation) {
                Ok(data) if !data.claims.sub.is_empty() => Ok(Caller {
                    user_id: format!("jwt:{}", data.claims.sub),
                    kind: CallerKind::Jwt,
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

    /// A short-lived client secret for the caller (a JWT only this server can verify).
    pub fn mint_client_secret(&self, user_id: &str) -> Result<(String, u64), AppError> {
        let now = unix_now();
        let exp = now + self.session_ttl.as_secs();
        let claims = SessionClaims {
            sub: user_id.to_owned(),
            iss: SESSION_ISSUER.into(),
            aud: SESSION_AUDIENCE.into(),
            iat: now,
            exp,
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
        let cookie = Cookie::build((GUEST_COOKIE, user_id.clone()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.cookie_secure)
            .path("/")
            .permanent()
            .build();
        (
            Caller {
                user_id,
                kind: CallerKind::Guest,
            },
            jar.add(cookie),
        )
    }

    pub fn cookie_jar(&self, headers: &HeaderMap) -> SignedCookieJar {
        SignedCookieJar::from_headers(headers, self.cookie_key.clone())
    }
}

fn describe(e: &jsonwebtoken::errors::Error) -> &'static str {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidAlgorithm => "algorithm not allowed",
        _ => "malformed",
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[derive(Debug, Serialize, Deserialize)]
struct AttachmentClaims {
    sub: String,
    att: String,
    aud: String,
    exp: u64,
}

const ATTACHMENT_AUDIENCE: &str = "professor-lock:attachment";

impl Auth {
    /// A token that lets its bearer upload or read one attachment of one user until it expires.
    pub fn sign_attachment(&self, user_id: &str, attachment_id: &str, ttl: Duration) -> String {
        let claims = AttachmentClaims {
            sub: user_id.to_owned(),
            att: attachment_id.to_owned(),
            aud: ATTACHMENT_AUDIENCE.into(),
            exp: unix_now() + ttl.as_secs(),
        };
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.session_encoding,
        )
        .unwrap_or_default()
    }

    /// The user a token was signed for, if it is valid for this attachment.
    pub fn verify_attachment(&self, token: &str, attachment_id: &str) -> Result<String, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[ATTACHMENT_AUDIENCE]);
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

    fn auth_with(vars: &[(&str, &str)]) -> Auth {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_vars(vars).unwrap();
        Auth::new(&config, &Secret::new("k".repeat(48)), true)
    }

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    const IDP_SECRET: &str = "supabase-jwt-secret-that-is-long-enough-123";

    fn idp_token(sub: &str, exp_offset: i64, secret: &str, aud: &str) -> String {
        let exp = (unix_now() as i64 + exp_offset) as u64;
        let claims =
            serde_json::json!({"sub": sub, "exp": exp, "aud": aud, "iss": "https://idp.example"});
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn client_secrets_identify_their_user_until_forged() {
        let auth = auth_with(&[]);
        let (secret, exp) = auth.mint_client_secret("guest_a").unwrap();
        assert!(exp > unix_now());
        let caller = auth.require(&bearer(&secret)).unwrap();
        assert_eq!(caller.user_id, "guest_a");
        assert_eq!(caller.kind, CallerKind::ClientSecret);
        let forged = format!("{}x", &secret[..secret.len() - 1]);
        assert!(matches!(
            auth.require(&bearer(&forged)),
            Err(AppError::Unauthorized(_))
        ));
        let other = Auth::new(
            &Config::from_vars(BTreeMap::new()).unwrap(),
            &Secret::new("z".repeat(48)),
            true,
        );
        assert!(
            other.require(&bearer(&secret)).is_err(),
            "another server key rejects it"
        );
    }

    #[test]
    fn no_credentials_is_none_and_garbage_is_401() {
        let auth = auth_with(&[]);
        assert_eq!(auth.identify(&HeaderMap::new()).unwrap(), None);
        assert!(auth.require(&HeaderMap::new()).is_err());
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(auth.identify(&headers).is_err());
    }

    #[test]
    fn guest_cookie_round_trip_and_tampering() {
        let auth = auth_with(&[]);
        let (guest, jar) = auth.new_guest(auth.cookie_jar(&HeaderMap::new()));
        let cookie = jar.get(GUEST_COOKIE).unwrap();
        // What the browser sends back is the signed value the jar wrote.
        let response = axum::response::IntoResponse::into_response((jar, "ok"));
        let set_cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        let pair = set_cookie.split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        assert_eq!(auth.require(&headers).unwrap(), guest);
        assert_eq!(cookie.value(), guest.user_id);

        let tampered = pair.replace("guest_", "guesx_");
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&tampered).unwrap());
        assert_eq!(
            auth.identify(&headers).unwrap(),
            None,
            "a tampered cookie is no user"
        );
    }

    #[test]
    fn external_jwts_are_checked_for_signature_expiry_and_audience() {
        let auth = auth_with(&[
            ("PL_JWT_SECRET", IDP_SECRET),
            ("PL_JWT_AUDIENCE", "authenticated"),
        ]);
        let ok = idp_token("user-1", 600, IDP_SECRET, "authenticated");
        assert_eq!(auth.require(&bearer(&ok)).unwrap().user_id, "jwt:user-1");
        let expired = idp_token("user-1", -600, IDP_SECRET, "authenticated");
        assert!(auth.require(&bearer(&expired)).is_err());
        let forged = idp_token(
            "user-1",
            600,
            "another-secret-that-is-long-enough-1234",
            "authenticated",
        );
        assert!(auth.require(&bearer(&forged)).is_err());
        let wrong_aud = idp_token("user-1", 600, IDP_SECRET, "anon");
        assert!(auth.require(&bearer(&wrong_aud)).is_err());
    }

    #[test]
    fn attachment_links_are_bound_to_one_attachment() {
        let auth = auth_with(&[]);
        let token = auth.sign_attachment("guest_a", "atc_1", Duration::from_secs(60));
        assert_eq!(auth.verify_attachment(&token, "atc_1").unwrap(), "guest_a");
        assert!(auth.verify_attachment(&token, "atc_2").is_err());
        let (secret, _) = auth.mint_client_secret("guest_a").unwrap();
        assert!(
            auth.verify_attachment(&secret, "atc_1").is_err(),
            "a client secret is no attachment link"
        );
    }
}
