//! `appsecret_proof`: the HMAC-SHA256 of a token keyed by the app secret, which Meta checks on
//! every call of an app that requires it. A client keys the HMAC once, and each token keeps the
//! proof it was given, so a token used call after call is hashed once.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::AccessToken;

/// `appsecret_proof`: lowercase hex HMAC-SHA256 of the token keyed by the app secret.
pub fn appsecret_proof(app_secret: &str, token: &str) -> String {
    proof_with(&proof_key(app_secret), token)
}

/// The HMAC keyed by the app secret, computed once per client: each proof then costs one clone
/// of the keyed state instead of a re-keying.
pub(crate) fn proof_key(app_secret: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

pub(crate) fn proof_with(key: &Hmac<Sha256>, token: &str) -> String {
    let mut mac = key.clone();
    mac.update(token.as_bytes());
    let mut hex_out = [0u8; 64];
    // 32 bytes always fit 64 hex digits.
    let _ = hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex_out);
    String::from_utf8_lossy(&hex_out).into_owned()
}

/// A client's app secret as an HMAC key, with a tag that tells its proofs from another
/// secret's, so that each token keeps its proof between calls ([`AccessToken`]).
pub(crate) struct ProofKey {
    mac: Hmac<Sha256>,
    tag: u64,
}

impl ProofKey {
    pub(crate) fn new(app_secret: &str) -> Self {
        let mac = proof_key(app_secret);
        // The tag is itself an HMAC output: it names the secret without revealing it.
        let mut tagger = mac.clone();
        tagger.update(b"instagraph appsecret_proof tag");
        let digest = tagger.finalize().into_bytes();
        let mut tag = [0u8; 8];
        tag.copy_from_slice(&digest[..8]);
        Self {
            mac,
            tag: u64::from_le_bytes(tag),
        }
    }

    /// `token`'s proof, computed on its first call with this secret and kept by the token.
    pub(crate) fn proof<'t>(&self, token: &'t AccessToken) -> Cow<'t, str> {
        token.proof(self.tag, |secret| proof_with(&self.mac, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_matches_a_known_vector() {
        // HMAC-SHA256(key="secret", msg="token"), computed with Python's hmac module.
        assert_eq!(
            appsecret_proof("secret", "token"),
            "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
    }

    #[test]
    fn a_token_keeps_its_proof_for_one_secret_and_never_gives_it_for_another() {
        let token = AccessToken::new("EAAGtoken0123456789");
        let (one, other) = (ProofKey::new("secret-one"), ProofKey::new("secret-two"));
        let first = one.proof(&token);
        assert_eq!(first, appsecret_proof("secret-one", token.expose()));
        assert!(
            matches!(one.proof(&token), Cow::Borrowed(_)),
            "kept after the first call"
        );
        assert_eq!(
            other.proof(&token),
            appsecret_proof("secret-two", token.expose())
        );
        let copy = token.clone();
        assert!(
            matches!(one.proof(&copy), Cow::Borrowed(_)),
            "a clone keeps it too"
        );
        assert_eq!(
            other.proof(&AccessToken::new("EAAGtoken0123456789")),
            appsecret_proof("secret-two", token.expose())
        );
    }
}
