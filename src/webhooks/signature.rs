//! `X-Hub-Signature-256`: `sha256=` + lowercase hex HMAC-SHA256(app secret, raw body).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::WebhookError;

/// The header Meta signs deliveries with (lowercase, as HTTP/2 sends it; header names are
/// case-insensitive).
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

const PREFIX: &str = "sha256=";

fn mac(app_secret: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so keying cannot fail.
    Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

/// Checks `X-Hub-Signature-256` against the raw body, in constant time.
///
/// `header_value` is the header as received (`sha256=<64 hex digits>`); `raw_body` the exact
/// bytes of the request body, before any parsing. A body re-encoded in any way (whitespace,
/// escaping, key order), truncated, or signed with another secret fails with
/// [`WebhookError::SignatureMismatch`]; a header that is absent, has another prefix or is not 64
/// hex digits fails before any HMAC is computed.
pub fn verify_signature(
    app_secret: &str,
    header_value: &str,
    raw_body: &[u8],
) -> Result<(), WebhookError> {
    let value = header_value.trim();
    if value.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let hex_part = match value.get(..PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(PREFIX) => &value[PREFIX.len()..],
        _ => {
            return Err(WebhookError::MalformedSignature(
                "expected the `sha256=` prefix",
            ))
        }
    };
    if hex_part.len() != 64 {
        return Err(WebhookError::MalformedSignature(
            "expected 64 hex digits after `sha256=`",
        ));
    }
    let mut expected = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut expected)
        .map_err(|_| WebhookError::MalformedSignature("the signature is not hexadecimal"))?;
    if app_secret.is_empty() {
        // An empty key would let anyone who guesses it sign; refuse rather than accept.
        return Err(WebhookError::SignatureMismatch);
    }
    let mut mac = mac(app_secret);
    mac.update(raw_body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// The `X-Hub-Signature-256` value Meta would send for `raw_body`: for tests, the sandbox and
/// relays that re-sign.
pub fn signature_header(app_secret: &str, raw_body: &[u8]) -> String {
    let mut mac = mac(app_secret);
    mac.update(raw_body);
    format!("{PREFIX}{}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // HMAC-SHA256(key="secret", msg="token"), as in the appsecret_proof test.
        let header = signature_header("secret", b"token");
        assert_eq!(
            header,
            "sha256=e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
        assert_eq!(verify_signature("secret", &header, b"token"), Ok(()));
        assert_eq!(
            verify_signature("secret", &header.to_uppercase(), b"token"),
            Ok(())
        );
    }
}
