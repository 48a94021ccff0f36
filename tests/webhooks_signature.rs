//! `X-Hub-Signature-256` and the verification handshake: a valid delivery passes; a forged,
//! truncated, extended or re-encoded body, another secret, a wrong prefix, bad hex or an empty
//! header fail; the challenge is echoed only for `subscribe` with the right token.

use hmac::{Hmac, Mac};
use instagraph::webhooks::{
    self, signature_header, verify_challenge, verify_challenge_query, verify_signature,
    WebhookError,
};
use sha2::Sha256;

const SECRET: &str = "a1b2c3d4e5f6app-secret";

/// A delivery as Meta sends it: compact JSON with escaped non-ASCII and slashes.
const BODY: &[u8] = br#"{"object":"instagram","entry":[{"id":"17841400000000001","time":1732000000,"changes":[{"field":"comments","value":{"from":{"id":"232323","username":"bob.b"},"media":{"id":"17900000000000001","media_product_type":"FEED"},"id":"18000000000000001","text":"Caf\u00e9 \ud83d\ude00 http:\/\/x.example"}}]}]}"#;

/// The header computed here, independently of the crate.
fn header_for(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[test]
fn a_valid_delivery_passes() {
    let header = header_for(SECRET, BODY);
    assert_eq!(signature_header(SECRET, BODY), header);
    assert_eq!(verify_signature(SECRET, &header, BODY), Ok(()));
    // Surrounding whitespace from a proxy is tolerated; hex case does not matter.
    assert_eq!(
        verify_signature(SECRET, &format!("  {header}\t"), BODY),
        Ok(())
    );
    let upper = format!("sha256={}", header["sha256=".len()..].to_uppercase());
    assert_eq!(verify_signature(SECRET, &upper, BODY), Ok(()));
    assert_eq!(
        verify_signature(SECRET, &header_for(SECRET, b""), b""),
        Ok(())
    );
}

#[test]
fn a_forged_body_fails() {
    let header = header_for(SECRET, BODY);
    let forged = String::from_utf8(BODY.to_vec())
        .unwrap()
        .replace("bob.b", "mallory");
    assert_eq!(
        verify_signature(SECRET, &header, forged.as_bytes()),
        Err(WebhookError::SignatureMismatch)
    );
    // One flipped bit anywhere.
    for i in [0, BODY.len() / 2, BODY.len() - 1] {
        let mut flipped = BODY.to_vec();
        flipped[i] ^= 0x01;
        assert_eq!(
            verify_signature(SECRET, &header, &flipped),
            Err(WebhookError::SignatureMismatch),
            "bit flip at {i}"
        );
    }
    // Signed with another app's secret.
    assert_eq!(
        verify_signature(SECRET, &header_for("another-secret", BODY), BODY),
        Err(WebhookError::SignatureMismatch)
    );
    // A correct body under a signature of another body.
    assert_eq!(
        verify_signature(SECRET, &header_for(SECRET, b"{}"), BODY),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn a_truncated_or_extended_body_fails() {
    let header = header_for(SECRET, BODY);
    for cut in [1, 10, BODY.len() - 1] {
        assert_eq!(
            verify_signature(SECRET, &header, &BODY[..BODY.len() - cut]),
            Err(WebhookError::SignatureMismatch)
        );
    }
    let mut longer = BODY.to_vec();
    longer.push(b'\n');
    assert_eq!(
        verify_signature(SECRET, &header, &longer),
        Err(WebhookError::SignatureMismatch)
    );
    assert_eq!(
        verify_signature(SECRET, &header, b""),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn a_re_encoded_body_fails_although_it_means_the_same() {
    let header = header_for(SECRET, BODY);
    let value: serde_json::Value = serde_json::from_slice(BODY).unwrap();
    let compact = serde_json::to_vec(&value).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    // serde_json writes é and the emoji as UTF-8 and `/` unescaped: the same JSON, other bytes.
    assert_ne!(compact, BODY);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&compact).unwrap(),
        value
    );
    for re_encoded in [compact, pretty] {
        assert_eq!(
            verify_signature(SECRET, &header, &re_encoded),
            Err(WebhookError::SignatureMismatch)
        );
    }
    // The parsed events are the same either way: only the signature tells them apart.
    let a = webhooks::parse(BODY).unwrap();
    let b = webhooks::parse(&serde_json::to_vec(&value).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn malformed_headers_fail_before_any_hmac() {
    let header = header_for(SECRET, BODY);
    let hex = &header["sha256=".len()..];
    let cases: Vec<(String, WebhookError)> = vec![
        (String::new(), WebhookError::MissingSignature),
        ("   ".into(), WebhookError::MissingSignature),
        (
            hex.to_owned(),
            WebhookError::MalformedSignature("expected the `sha256=` prefix"),
        ),
        (
            format!("sha1={hex}"),
            WebhookError::MalformedSignature("expected the `sha256=` prefix"),
        ),
        (
            format!("sha256:{hex}"),
            WebhookError::MalformedSignature("expected the `sha256=` prefix"),
        ),
        (
            "sha256=".into(),
            WebhookError::MalformedSignature("expected 64 hex digits after `sha256=`"),
        ),
        (
            format!("sha256={}", &hex[..63]),
            WebhookError::MalformedSignature("expected 64 hex digits after `sha256=`"),
        ),
        (
            format!("sha256={hex}00"),
            WebhookError::MalformedSignature("expected 64 hex digits after `sha256=`"),
        ),
        (
            format!("sha256={}zz", &hex[..62]),
            WebhookError::MalformedSignature("the signature is not hexadecimal"),
        ),
        (
            format!("sha256={}é", &hex[..62]),
            WebhookError::MalformedSignature("the signature is not hexadecimal"),
        ),
    ];
    for (value, expected) in cases {
        let got = verify_signature(SECRET, &value, BODY);
        assert_eq!(got, Err(expected.clone()), "header {value:?}");
        assert!(!got.unwrap_err().to_string().contains(hex));
    }
    assert_eq!(WebhookError::SignatureMismatch.http_status(), 403);
    assert_eq!(WebhookError::MissingSignature.http_status(), 403);
}

#[test]
fn an_empty_app_secret_never_verifies() {
    let header = header_for("", BODY);
    assert_eq!(
        verify_signature("", &header, BODY),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn the_challenge_is_echoed_only_for_the_right_token() {
    let ok = [
        ("hub.mode", "subscribe"),
        ("hub.challenge", "1158201444"),
        ("hub.verify_token", "meatyhamhock"),
    ];
    assert_eq!(verify_challenge(ok, "meatyhamhock").unwrap(), "1158201444");
    assert_eq!(
        verify_challenge_query(
            "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meaty%20ham",
            "meaty ham"
        )
        .unwrap(),
        "1158201444"
    );
    assert_eq!(
        verify_challenge_query(
            "?hub.verify_token=t&hub.challenge=42&hub.mode=subscribe&other=1",
            "t"
        )
        .unwrap(),
        "42"
    );

    let wrong_token = verify_challenge(ok, "meatyhamhocks").unwrap_err();
    assert_eq!(wrong_token, WebhookError::VerifyTokenMismatch);
    assert_eq!(wrong_token.http_status(), 403);
    assert!(!wrong_token.to_string().contains("meatyhamhock"));
    assert_eq!(
        verify_challenge(ok, "").unwrap_err(),
        WebhookError::VerifyTokenMismatch
    );
    assert_eq!(
        verify_challenge_query("hub.mode=subscribe&hub.challenge=1", "t").unwrap_err(),
        WebhookError::VerifyTokenMismatch
    );
    assert_eq!(
        verify_challenge_query(
            "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=t",
            "t"
        )
        .unwrap_err(),
        WebhookError::NotSubscribe
    );
    assert_eq!(
        verify_challenge_query("hub.challenge=1&hub.verify_token=t", "t").unwrap_err(),
        WebhookError::NotSubscribe
    );
    // A later duplicate cannot override the first value.
    assert_eq!(
        verify_challenge_query(
            "hub.mode=subscribe&hub.verify_token=wrong&hub.verify_token=t&hub.challenge=1",
            "t"
        )
        .unwrap_err(),
        WebhookError::VerifyTokenMismatch
    );
    for bad in [
        "hub.mode=subscribe&hub.verify_token=t",
        "hub.mode=subscribe&hub.verify_token=t&hub.challenge=",
        "hub.mode=subscribe&hub.verify_token=t&hub.challenge=a%0Ab",
    ] {
        let e = verify_challenge_query(bad, "t").unwrap_err();
        assert!(
            matches!(
                e,
                WebhookError::InvalidParameter {
                    param: "hub.challenge",
                    ..
                }
            ),
            "{bad}: {e:?}"
        );
        assert_eq!(e.http_status(), 400);
    }
    let long = format!(
        "hub.mode=subscribe&hub.verify_token=t&hub.challenge={}",
        "9".repeat(257)
    );
    assert!(verify_challenge_query(&long, "t").is_err());
}
