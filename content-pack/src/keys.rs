//! Minisign-format keys and signatures.
//!
//! Signing uses the `minisign` crate (it can also make and decrypt
//! password-protected secret keys); verification uses the small, audited
//! `minisign-verify` crate. The files are the standard minisign formats, so the
//! stock `minisign -V` tool can check any signature this crate makes.

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use ct_codecs::{Base64, Decoder};

/// A minisign secret key's bytes: algorithm, KDF, checksum algorithm, salt,
/// limits, key id, key and, from `CHECKSUM`, the checksum.
const SECRET_KEY_BYTES: usize = 158;
const CHECKSUM: usize = 126;

/// A key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key file could not be read.
    #[error("cannot read key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Key generation failed.
    #[error("could not make a key pair: {0}")]
    Generate(String),
    /// The secret key file is not a minisign secret key.
    #[error("this is not a minisign secret key ({0}); check you gave the .key file, not the .pub")]
    BadSecretKey(String),
    /// A secret key file that is damaged.
    #[error("this secret key is damaged ({0}): use a good copy of it from where the key is kept")]
    DamagedSecretKey(&'static str),
    /// A public key was given where the secret key is needed.
    #[error("this is a public key (.pub), not the secret key: give the secret key file (.key) that was made with it")]
    PublicNotSecret,
    /// The text is not a minisign public key.
    #[error("this is not a minisign public key; check you gave the .pub file")]
    BadPublicKey,
    /// The file is not a minisign public key.
    #[error("{0} is not a minisign public key; check you gave the .pub file")]
    BadPublicKeyFile(PathBuf),
    /// The secret key is encrypted and no password was given.
    #[error("this secret key is password-protected: give its password")]
    PasswordNeeded,
    /// The password does not open the secret key.
    #[error("wrong password for this secret key")]
    WrongPassword,
    /// Signing failed.
    #[error("could not sign: {0}")]
    Sign(String),
    /// A key rotation from a key to itself.
    #[error("the new public key is key {0}, the same key as the secret key: a rotation needs a new key (make one with `insideout-provision keygen`)")]
    RotationToSelf(KeyId),
}

/// A public key where a secret key belongs is named as such: the
/// commonest mix-up.
fn refuse_public_key(text: &str) -> Result<(), KeyError> {
    if minisign::PublicKeyBox::from_string(text)
        .and_then(|b| b.into_public_key())
        .is_ok()
    {
        return Err(KeyError::PublicNotSecret);
    }
    Ok(())
}

/// The bytes of the minisign secret key file `text`, checked for length.
fn secret_key_bytes(text: &str) -> Result<Vec<u8>, KeyError> {
    refuse_public_key(text)?;
    text.lines()
        .nth(1)
        .and_then(|line| Base64::decode_to_vec(line.trim(), None).ok())
        .filter(|raw| raw.len() == SECRET_KEY_BYTES)
        .ok_or_else(|| {
            KeyError::BadSecretKey("its second line is not a minisign secret key".into())
        })
}

/// Whether a secret key's bytes are encrypted with a password (its KDF is
/// not "none").
fn is_encrypted(raw: &[u8]) -> bool {
    raw[2..4] != [0, 0]
}

/// A minisign key id: the 8 bytes that name a key, shown as 16 hex digits
/// exactly as `minisign` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 8]);

impl KeyId {
    fn from_slice(bytes: &[u8]) -> Option<KeyId> {
        bytes.try_into().ok().map(KeyId)
    }
}

/// A key id that is not 16 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a key id (16 hex digits, as `minisign` prints them)")]
pub struct BadKeyId(pub String);

impl std::str::FromStr for KeyId {
    type Err = BadKeyId;

    fn from_str(s: &str) -> Result<KeyId, BadKeyId> {
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadKeyId(crate::untrusted::shown_str(s)));
        }
        u64::from_str_radix(s, 16)
            .map(|n| KeyId(n.to_le_bytes()))
            .map_err(|_| BadKeyId(crate::untrusted::shown_str(s)))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // minisign prints the little-endian u64 in upper-case hex.
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

/// How `generate_keys` protects the new secret key.
#[derive(Clone)]
pub enum KeyProtection {
    /// Encrypt the secret key with this password (scrypt, as minisign does).
    Password(String),
    /// Leave the secret key unencrypted: for tests and throw-away demo keys only.
    Unencrypted,
}

/// A freshly made key pair, as the text of the two minisign files.
pub struct GeneratedKeys {
    /// Contents of the public key file (`.pub`).
    pub public_key: String,
    /// Contents of the secret key file (`.key`).
    pub secret_key: String,
    /// The pair's key id.
    pub key_id: KeyId,
}

/// Makes a new minisign key pair.
pub fn generate_keys(protection: KeyProtection) -> Result<GeneratedKeys, KeyError> {
    let pair = match protection {
        KeyProtection::Password(password) => {
            minisign::KeyPair::generate_encrypted_keypair(Some(password))
        }
        KeyProtection::Unencrypted => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| KeyError::Generate(e.to_string()))?;
    let key_id = KeyId::from_slice(pair.pk.keynum())
        .ok_or_else(|| KeyError::Generate("key id has the wrong length".into()))?;
    let comment = format!("InsideOut key {key_id}");
    let public_key = pair
        .pk
        .to_box()
        .and_then(|b| String::from_utf8(b.to_bytes()).map_err(|e| e.into_io_error()))
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let secret_key = pair
        .sk
        .to_box(Some(&comment))
        .and_then(|b| String::from_utf8(b.to_bytes()).map_err(|e| e.into_io_error()))
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    Ok(GeneratedKeys {
        public_key,
        secret_key,
        key_id,
    })
}

trait IntoIoError {
    fn into_io_error(self) -> minisign::PError;
}
impl IntoIoError for std::string::FromUtf8Error {
    fn into_io_error(self) -> minisign::PError {
        minisign::PError::new(minisign::ErrorKind::Encoding, self)
    }
}

/// A secret key ready to sign.
pub struct SigningKey {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
    key_id: KeyId,
}

impl SigningKey {
    /// Reads a minisign secret key file. `password` is needed for an encrypted
    /// key and ignored for an unencrypted one.
    pub fn from_text(text: &str, password: Option<&str>) -> Result<SigningKey, KeyError> {
        let bad = |e: minisign::PError| KeyError::BadSecretKey(e.to_string());
        let raw = secret_key_bytes(text)?;
        let sk_box = minisign::SecretKeyBox::from_string(text).map_err(bad)?;
        let sk = if is_encrypted(&raw) {
            // Encrypted: only now is the password asked for.
            let password = password.ok_or(KeyError::PasswordNeeded)?;
            sk_box
                .into_secret_key(Some(password.to_owned()))
                .map_err(|_| KeyError::WrongPassword)?
        } else if raw[CHECKSUM..].iter().all(|&b| b == 0) {
            // The minisign tool writes an unencrypted key (`-G -W`) without
            // its checksum; the signature checked below stands in for it.
            minisign::SecretKey::from_bytes(&raw).map_err(bad)?
        } else {
            sk_box
                .into_unencrypted_secret_key()
                .map_err(|_| KeyError::DamagedSecretKey("its checksum does not match"))?
        };
        let pk = minisign::PublicKey::from_secret_key(&sk).map_err(bad)?;
        // Signing verifies against the public half: a damaged key fails here.
        minisign::sign(Some(&pk), &sk, Cursor::new(b"key check"), None, None)
            .map_err(|_| KeyError::DamagedSecretKey("its two halves do not match"))?;
        let key_id = KeyId::from_slice(sk.keynum())
            .ok_or_else(|| KeyError::BadSecretKey("key id has the wrong length".into()))?;
        Ok(SigningKey { sk, pk, key_id })
    }

    /// Reads a minisign secret key file from disk.
    pub fn from_file(path: &Path, password: Option<&str>) -> Result<SigningKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_text(&text, password)
    }

    /// Whether the key file at `path` needs a password (it is encrypted).
    pub fn file_needs_password(path: &Path) -> Result<bool, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(is_encrypted(&secret_key_bytes(&text)?))
    }

    /// The key id of this key (and of its public key).
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The matching public key file's text.
    pub fn public_key_text(&self) -> Result<String, KeyError> {
        let b = self
            .pk
            .to_box()
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        String::from_utf8(b.to_bytes()).map_err(|e| KeyError::Generate(e.to_string()))
    }

    /// Signs `data`, returning the text of a minisign `.sig` file. The trusted
    /// comment is covered by the signature; keep it to one line.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, KeyError> {
        let comment = trusted_comment.replace(['\n', '\r'], " ");
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            Cursor::new(data),
            Some(&comment),
            Some(&untrusted_comment(self.key_id)),
        )
        .map_err(|e| KeyError::Sign(e.to_string()))?;
        Ok(sig.into_string())
    }
}

/// A public key the verifier trusts.
#[derive(Clone)]
pub struct TrustedKey {
    key: minisign_verify::PublicKey,
    key_id: KeyId,
}

impl TrustedKey {
    /// Parses the text of a minisign public key file.
    pub fn from_text(text: &str) -> Result<TrustedKey, KeyError> {
        let key = minisign_verify::PublicKey::decode(text).map_err(|_| KeyError::BadPublicKey)?;
        // minisign-verify keeps the id private; the signing crate exposes it.
        let key_id = minisign::PublicKeyBox::from_string(text)
            .and_then(|b| b.into_public_key())
            .ok()
            .and_then(|pk| KeyId::from_slice(pk.keynum()))
            .ok_or(KeyError::BadPublicKey)?;
        Ok(TrustedKey { key, key_id })
    }

    /// Reads a minisign public key file.
    pub fn from_file(path: &Path) -> Result<TrustedKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_text(&text).map_err(|e| match e {
            KeyError::BadPublicKey => KeyError::BadPublicKeyFile(path.to_owned()),
            e => e,
        })
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }
}

/// The set of keys whose signatures are accepted, and the ids of keys the
/// content team has retired (never accepted again, even through a rotation).
#[derive(Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<TrustedKey>,
    retired: Vec<KeyId>,
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureProblem {
    /// The signature file is not a minisign signature.
    Malformed,
    /// Signed by a key that is not trusted (its id is given when readable).
    UntrustedKey(Option<KeyId>),
    /// Signed by a trusted key id, but the signature does not match the data.
    Invalid(KeyId),
    /// Signed by a key the content team retired.
    Retired(KeyId),
}

impl TrustedKeys {
    /// A set of trusted keys.
    pub fn new(keys: Vec<TrustedKey>) -> TrustedKeys {
        TrustedKeys {
            keys,
            retired: Vec::new(),
        }
    }

    /// The same keys, with these ids retired: a retired key is never
    /// accepted, even if it is also listed as trusted.
    pub fn with_retired(mut self, retired: Vec<KeyId>) -> TrustedKeys {
        self.keys.retain(|k| !retired.contains(&k.key_id));
        self.retired = retired;
        self
    }

    /// The ids of the trusted keys.
    pub fn ids(&self) -> Vec<KeyId> {
        self.keys.iter().map(|k| k.key_id).collect()
    }

    /// The trusted key with this id.
    pub fn get(&self, id: KeyId) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.key_id == id)
    }

    /// Whether the content team retired this key.
    pub fn is_retired(&self, id: KeyId) -> bool {
        self.retired.contains(&id)
    }

    /// The trusted key ids, comma-separated, for messages.
    pub fn ids_text(&self) -> String {
        let ids: Vec<String> = self.ids().iter().map(KeyId::to_string).collect();
        ids.join(", ")
    }

    /// Checks that `sig_text` is a valid minisign signature of exactly `data`
    /// by one of the trusted keys, and returns that key's id.
    ///
    /// Only the canonical form is accepted, with the untrusted comment
    /// [`SigningKey::sign`] writes or the one the stock `minisign -S` writes,
    /// so no byte of a signature file can change without the signature being
    /// refused (the untrusted comment is the one part minisign does not sign). The key id is compared before any
    /// cryptography is done.
    pub fn verify(&self, data: &[u8], sig_text: &str) -> Result<KeyId, SignatureProblem> {
        let boxed = minisign::SignatureBox::from_string(sig_text)
            .map_err(|_| SignatureProblem::Malformed)?;
        let signer = KeyId::from_slice(boxed.keynum()).ok_or(SignatureProblem::Malformed)?;
        let canonical = boxed.to_string() == sig_text
            && boxed
                .untrusted_comment()
                .is_ok_and(|c| c == untrusted_comment(signer) || c == MINISIGN_UNTRUSTED_COMMENT);
        if !canonical {
            return Err(SignatureProblem::Malformed);
        }
        if self.is_retired(signer) {
            return Err(SignatureProblem::Retired(signer));
        }
        let key = self
            .get(signer)
            .ok_or(SignatureProblem::UntrustedKey(Some(signer)))?;
        let sig = minisign_verify::Signature::decode(sig_text)
            .map_err(|_| SignatureProblem::Malformed)?;
        // `false`: legacy (non-prehashed) signatures are refused.
        key.key
            .verify(data, &sig, false)
            .map_err(|_| SignatureProblem::Invalid(key.key_id))?;
        Ok(key.key_id)
    }
}

/// The untrusted comment the stock `minisign -S` writes: a signature made
/// with the minisign tool itself is accepted too.
const MINISIGN_UNTRUSTED_COMMENT: &str = "signature from minisign secret key";

/// The untrusted comment every signature of ours carries.
fn untrusted_comment(key_id: KeyId) -> String {
    format!("signature from InsideOut key {key_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_refuse_changes() {
        let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
        let sk = SigningKey::from_text(&keys.secret_key, None).unwrap();
        assert_eq!(sk.key_id(), keys.key_id);
        let trusted = TrustedKeys::new(vec![TrustedKey::from_text(&keys.public_key).unwrap()]);
        let sig = sk.sign(b"hello", "pack test").unwrap();
        assert_eq!(trusted.verify(b"hello", &sig), Ok(keys.key_id));
        assert_eq!(
            trusted.verify(b"hellO", &sig),
            Err(SignatureProblem::Invalid(keys.key_id))
        );
        let other = generate_keys(KeyProtection::Unencrypted).unwrap();
        let other_sk = SigningKey::from_text(&other.secret_key, None).unwrap();
        let sig2 = other_sk.sign(b"hello", "x").unwrap();
        assert_eq!(
            trusted.verify(b"hello", &sig2),
            Err(SignatureProblem::UntrustedKey(Some(other.key_id)))
        );
    }

    #[test]
    fn encrypted_key_needs_the_right_password() {
        let keys = generate_keys(KeyProtection::Password("correct horse".into())).unwrap();
        assert!(matches!(
            SigningKey::from_text(&keys.secret_key, None),
            Err(KeyError::PasswordNeeded)
        ));
        assert!(matches!(
            SigningKey::from_text(&keys.secret_key, Some("wrong")),
            Err(KeyError::WrongPassword)
        ));
        let sk = SigningKey::from_text(&keys.secret_key, Some("correct horse")).unwrap();
        assert_eq!(sk.key_id(), keys.key_id);
        assert!(matches!(
            SigningKey::from_text(&keys.public_key, Some("correct horse")),
            Err(KeyError::PublicNotSecret)
        ));
    }
}
