//! OpenID Connect: the provider's discovery document, its signing keys, and
//! ID token validation (signature, issuer, audience, expiry, nonce).

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::account::{Account, MicrosoftAccountKind};

/// The parts of `/.well-known/openid-configuration` Tandem uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub device_authorization_endpoint: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdTokenError {
    #[error("the ID token is malformed: {0}")]
    Malformed(String),
    #[error("the ID token uses the {0:?} algorithm, which Tandem does not accept")]
    Algorithm(Algorithm),
    #[error("the ID token is signed with a key the provider does not publish")]
    UnknownKey,
    #[error("the ID token's signature is not valid")]
    BadSignature,
    #[error("the ID token was issued for another application")]
    WrongAudience,
    #[error("the ID token was issued by {found:?}, not by the expected {expected:?}")]
    WrongIssuer { found: String, expected: String },
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token does not answer this sign-in (nonce mismatch)")]
    NonceMismatch,
    #[error("the ID token does not say which account signed in (no {0} claim)")]
    MissingClaim(&'static str),
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    iss: String,
    exp: u64,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    tid: Option<String>,
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// What the validated ID token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdToken {
    pub account: Account,
    pub expires_at: jiff::Timestamp,
}

/// Asymmetric algorithms only: a symmetric one would let anyone holding the
/// (public) client id forge tokens.
const ACCEPTED: [Algorithm; 7] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
];

/// Clock skew tolerated on expiry.
const LEEWAY_SECONDS: u64 = 60;

/// Validates `token` and reads the account from it. Microsoft's
/// multi-tenant issuers are templates (`…/{tenantid}/v2.0`): the template is
/// filled with the token's own `tid` before comparing.
pub fn validate_id_token(
    token: &str,
    keys: &JwkSet,
    metadata_issuer: &str,
    client_id: &str,
    // The device code flow sends no nonce, so it has none to check.
    nonce: Option<&str>,
    now: jiff::Timestamp,
) -> Result<IdToken, IdTokenError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|error| IdTokenError::Malformed(error.to_string()))?;
    if !ACCEPTED.contains(&header.alg) {
        return Err(IdTokenError::Algorithm(header.alg));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or(IdTokenError::UnknownKey)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| IdTokenError::UnknownKey)?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[client_id]);
    // Expiry and issuer are checked below: expiry against the caller's clock,
    // the issuer against Microsoft's tenant template.
    validation.validate_exp = false;
    validation.required_spec_claims = ["exp", "iss", "aud"]
        .into_iter()
        .map(String::from)
        .collect();
    let claims = jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
        .map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => IdTokenError::BadSignature,
            jsonwebtoken::errors::ErrorKind::InvalidAudience => IdTokenError::WrongAudience,
            _ => IdTokenError::Malformed(error.to_string()),
        })?
        .claims;
    let now = u64::try_from(now.as_second()).unwrap_or(0);
    if claims.exp.saturating_add(LEEWAY_SECONDS) < now {
        return Err(IdTokenError::Expired);
    }
    if let Some(nonce) = nonce
        && claims.nonce.as_deref() != Some(nonce)
    {
        return Err(IdTokenError::NonceMismatch);
    }
    let tenant_id = claims
        .tid
        .clone()
        .ok_or(IdTokenError::MissingClaim("tid"))?;
    let expected = metadata_issuer.replace("{tenantid}", &tenant_id);
    if claims.iss != expected {
        return Err(IdTokenError::WrongIssuer {
            found: claims.iss,
            expected,
        });
    }
    let object_id = claims.oid.ok_or(IdTokenError::MissingClaim("oid"))?;
    Ok(IdToken {
        account: Account {
            kind: MicrosoftAccountKind::of_tenant(&tenant_id),
            tenant_id,
            object_id,
            username: claims.preferred_username,
            name: claims.name,
        },
        expires_at: i64::try_from(claims.exp)
            .ok()
            .and_then(|exp| jiff::Timestamp::from_second(exp).ok())
            .unwrap_or(jiff::Timestamp::MAX),
    })
}
