//! Sealing of token secrets with AES-256-GCM before they reach any backend.
//!
//! A sealed secret is the text `v1.<key id>.<base64url(nonce || ciphertext+tag)>`. The key id
//! lets a [`Sealer`] keep older keys after a rotation and pick the right one when opening. The
//! additional authenticated data (AAD) binds a secret to the row it belongs to, so a ciphertext
//! copied into another tenant's or subject's row fails to open instead of handing out a token.

use std::collections::HashMap;
use std::fmt;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use super::error::{StoreError, StoreResult};
use crate::AccessToken;

const FORMAT_VERSION: &str = "v1";

/// The environment variable [`Sealer::from_env`] reads the current key from (base64).
pub const SEALING_KEY_ENV: &str = "INSTAGRAPH_SEALING_KEY";

/// The environment variable [`Sealer::from_env`] reads older keys from (base64, comma-separated).
pub const PREVIOUS_SEALING_KEYS_ENV: &str = "INSTAGRAPH_PREVIOUS_SEALING_KEYS";
const NONCE_LEN: usize = 12;

/// A 256-bit key for sealing tokens. `Debug` shows only its key id; the bytes are wiped on drop.
#[derive(Clone)]
pub struct SealingKey {
    bytes: [u8; 32],
    id: String,
}

impl SealingKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let key = Self::from_bytes(bytes);
        bytes.zeroize();
        key
    }

    /// A key from its raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let id = key_id(&bytes);
        Self { bytes, id }
    }

    /// A key from base64 (standard or URL-safe alphabet, padded or not) of exactly 32 bytes.
    pub fn from_base64(encoded: &str) -> StoreResult<Self> {
        let encoded = encoded.trim();
        let decoded = Zeroizing::new(
            STANDARD
                .decode(encoded)
                .or_else(|_| URL_SAFE.decode(encoded))
                .or_else(|_| URL_SAFE_NO_PAD.decode(encoded))
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(encoded))
                .map_err(|_| StoreError::invalid("sealing_key", "not valid base64"))?,
        );
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| {
            StoreError::invalid(
                "sealing_key",
                format!("must be 32 bytes, got {}", decoded.len()),
            )
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key as standard base64, for writing into configuration. Handle the result as a secret.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// A short stable id of the key (8 hex characters of a SHA-256 over it), safe to log.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for SealingKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingKey(id={})", self.id)
    }
}

impl PartialEq for SealingKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.bytes.ct_eq(&other.bytes).into()
    }
}

impl Eq for SealingKey {}

fn key_id(bytes: &[u8; 32]) -> String {
    // Domain-separated so the id is not simply a hash of the key that could be reused elsewhere.
    let mut h = Sha256::new();
    h.update(b"instagraph.sealing-key-id.v1\0");
    h.update(bytes);
    hex::encode(&h.finalize()[..4])
}

/// A sealed token as stored by a backend. `Debug` shows only the key id; it serialises as the
/// stored text (sealed, so never the token).
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SealedSecret(String);

impl SealedSecret {
    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text read back from storage; it is checked only when opened.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// Consumes the value, returning the stored text.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// The id of the key that sealed it, when the text is well formed.
    pub fn key_id(&self) -> Option<&str> {
        let mut parts = self.0.splitn(3, '.');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(FORMAT_VERSION), Some(id), Some(_)) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedSecret(key={})", self.key_id().unwrap_or("?"))
    }
}

/// Seals with the current key and opens with the current or any older key.
#[derive(Clone)]
pub struct Sealer {
    current: SealingKey,
    keys: HashMap<String, Aes256Gcm>,
}

impl Sealer {
    /// A sealer with one key.
    pub fn new(current: SealingKey) -> Self {
        let mut keys = HashMap::new();
        keys.insert(current.id().to_owned(), cipher(&current));
        Self { current, keys }
    }

    /// Adds an older key that can still open secrets sealed before a rotation.
    pub fn with_previous_key(mut self, key: SealingKey) -> Self {
        self.keys
            .entry(key.id().to_owned())
            .or_insert_with(|| cipher(&key));
        self
    }

    /// The id of the key new secrets are sealed with.
    pub fn current_key_id(&self) -> &str {
        self.current.id()
    }

    /// A sealer from base64 keys: `current` seals, `previous` (older keys, any order) only
    /// open. Errors name the field: `sealing_key` or `previous_sealing_keys`.
    pub fn from_base64_keys(current: &str, previous: &[&str]) -> StoreResult<Self> {
        let mut sealer = Self::new(SealingKey::from_base64(current)?);
        for (i, encoded) in previous.iter().enumerate() {
            let key = SealingKey::from_base64(encoded).map_err(|e| match e {
                StoreError::InvalidInput { reason, .. } => {
                    StoreError::invalid("previous_sealing_keys", format!("key {}: {reason}", i + 1))
                }
                other => other,
            })?;
            sealer = sealer.with_previous_key(key);
        }
        Ok(sealer)
    }

    /// A sealer from the environment: the current key in [`SEALING_KEY_ENV`]
    /// (`INSTAGRAPH_SEALING_KEY`, base64) and older keys, comma-separated, in
    /// [`PREVIOUS_SEALING_KEYS_ENV`] (`INSTAGRAPH_PREVIOUS_SEALING_KEYS`, optional). To rotate:
    /// move the current key to the previous list, set a new current key, restart, then run
    /// [`super::Store::reseal_tokens`] (or `instagraph-store reseal`).
    pub fn from_env() -> StoreResult<Self> {
        let current = std::env::var(SEALING_KEY_ENV).map_err(|_| {
            StoreError::invalid(
                "sealing_key",
                format!("set {SEALING_KEY_ENV} (base64, 32 bytes)"),
            )
        })?;
        let previous = std::env::var(PREVIOUS_SEALING_KEYS_ENV).unwrap_or_default();
        let previous: Vec<&str> = previous
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        Self::from_base64_keys(&current, &previous)
    }

    /// The ids of every key this sealer opens with, the current one first, then the others
    /// sorted.
    pub fn key_ids(&self) -> Vec<&str> {
        let mut others: Vec<&str> = self
            .keys
            .keys()
            .map(String::as_str)
            .filter(|id| *id != self.current.id())
            .collect();
        others.sort_unstable();
        let mut ids = vec![self.current.id()];
        ids.extend(others);
        ids
    }

    /// True when `sealed` was sealed with an older key and should be sealed again.
    pub fn needs_reseal(&self, sealed: &SealedSecret) -> bool {
        sealed.key_id() != Some(self.current.id())
    }

    /// Encrypts `plaintext` with a fresh random 96-bit nonce, authenticating `aad` with it.
    pub fn seal(&self, plaintext: &str, aad: &[u8]) -> StoreResult<SealedSecret> {
        let cipher = self.keys.get(self.current.id()).ok_or(StoreError::Crypto)?;
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad,
                },
            )
            .map_err(|_| StoreError::Crypto)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(SealedSecret(format!(
            "{FORMAT_VERSION}.{}.{}",
            self.current.id(),
            URL_SAFE_NO_PAD.encode(blob)
        )))
    }

    /// Decrypts a secret sealed with the same `aad`. A wrong or unknown key, a tampered text or a
    /// different `aad` all give [`StoreError::Crypto`].
    pub fn open(&self, sealed: &SealedSecret, aad: &[u8]) -> StoreResult<AccessToken> {
        let mut parts = sealed.0.splitn(3, '.');
        let (Some(FORMAT_VERSION), Some(id), Some(body)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(StoreError::Crypto);
        };
        let cipher = self.keys.get(id).ok_or(StoreError::Crypto)?;
        let blob = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| StoreError::Crypto)?;
        if blob.len() < NONCE_LEN {
            return Err(StoreError::Crypto);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad,
                    },
                )
                .map_err(|_| StoreError::Crypto)?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| StoreError::Crypto)?;
        Ok(AccessToken::new(text))
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort_unstable();
        f.debug_struct("Sealer")
            .field("current_key_id", &self.current.id())
            .field("key_ids", &ids)
            .finish()
    }
}

fn cipher(key: &SealingKey) -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.bytes))
}

/// The text every secret sealed with the key `key_id` starts with, so that backends can find
/// the rows a rotation left under an older key without opening them.
pub(crate) fn sealed_prefix(key_id: &str) -> String {
    format!("{FORMAT_VERSION}.{key_id}.")
}

/// The AAD for a token: length-prefixed parts so no two different tuples encode alike.
pub(crate) fn token_aad(company: &str, kind: &str, login: &str, subject: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(64 + company.len() + subject.len());
    aad.extend_from_slice(b"instagraph.token.v1");
    for part in [company, kind, login, subject] {
        aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_failures() {
        let key = SealingKey::generate();
        let sealer = Sealer::new(key.clone());
        let sealed = sealer.seal("EAAB-secret", b"aad").unwrap();
        assert!(!sealed.as_str().contains("EAAB-secret"));
        assert_eq!(sealed.key_id(), Some(key.id()));
        assert_eq!(
            sealer.open(&sealed, b"aad").unwrap().expose(),
            "EAAB-secret"
        );
        assert!(matches!(
            sealer.open(&sealed, b"other"),
            Err(StoreError::Crypto)
        ));
        let other = Sealer::new(SealingKey::generate());
        assert!(matches!(
            other.open(&sealed, b"aad"),
            Err(StoreError::Crypto)
        ));
        // Rotation: the new sealer still opens what the old key sealed.
        let rotated = Sealer::new(SealingKey::generate()).with_previous_key(key);
        assert!(rotated.needs_reseal(&sealed));
        assert_eq!(
            rotated.open(&sealed, b"aad").unwrap().expose(),
            "EAAB-secret"
        );
    }

    #[test]
    fn sealer_from_base64_keys_names_the_bad_field() {
        let (old, new) = (SealingKey::generate(), SealingKey::generate());
        let sealer = Sealer::from_base64_keys(&new.to_base64(), &[&old.to_base64()]).unwrap();
        assert_eq!(sealer.current_key_id(), new.id());
        assert_eq!(sealer.key_ids(), [new.id(), old.id()]);
        let sealed = Sealer::new(old).seal("x", b"a").unwrap();
        assert!(sealer.needs_reseal(&sealed));
        assert_eq!(sealer.open(&sealed, b"a").unwrap().expose(), "x");
        assert!(matches!(
            Sealer::from_base64_keys(&new.to_base64(), &["c2hvcnQ="]),
            Err(StoreError::InvalidInput {
                field: "previous_sealing_keys",
                ..
            })
        ));
        assert!(matches!(
            Sealer::from_base64_keys("nope", &[]),
            Err(StoreError::InvalidInput {
                field: "sealing_key",
                ..
            })
        ));
    }

    #[test]
    fn nonces_differ_and_tamper_fails() {
        let sealer = Sealer::new(SealingKey::generate());
        let a = sealer.seal("x", b"").unwrap();
        let b = sealer.seal("x", b"").unwrap();
        assert_ne!(a, b);
        let mut s = a.into_inner();
        let last = s.pop().unwrap();
        s.push(if last == 'A' { 'B' } else { 'A' });
        assert!(sealer.open(&SealedSecret::from_stored(s), b"").is_err());
        assert!(sealer
            .open(&SealedSecret::from_stored("garbage".into()), b"")
            .is_err());
    }

    #[test]
    fn key_base64_round_trip_and_debug() {
        let key = SealingKey::generate();
        let back = SealingKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(key, back);
        assert_eq!(key.id(), back.id());
        assert_eq!(key.id().len(), 8);
        assert!(!format!("{key:?}").contains(&key.to_base64()));
        assert!(matches!(
            SealingKey::from_base64("c2hvcnQ="),
            Err(StoreError::InvalidInput {
                field: "sealing_key",
                ..
            })
        ));
    }
}
