//! Content key rotation, as TUF rotates its root keys: the content team's
//! old key signs a statement handing over to a new key, the statement
//! travels inside a pack signed by the new key, and a kiosk that trusts the
//! old key moves to the new one when it installs that pack, with no visit
//! from IT.
//!
//! A statement is four lines, signed (minisign, prehashed) by the key it
//! retires:
//!
//! ```text
//! insideout-key-rotation 1
//! from 0123456789ABCDEF
//! to RWQ…(the new public key, base64)
//! created 2026-12-02T10:00:00+00:00
//! ```
//!
//! A pack carries a chain of them (old → new → newer) in `key-rotations.toml`,
//! right after `manifest.sig`, so the chain is checked before the manifest
//! is trusted. The chain is walked from the first statement whose `from` key
//! the kiosk trusts; every later link must be signed by the key the link
//! before handed over to, no link may hand over to a retired key, and the
//! chain must end at the key that signed the manifest. Statements before the
//! first trusted one are history (a kiosk that already moved) and are
//! ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::PackError;
use crate::keys::{KeyError, KeyId, SignatureProblem, SigningKey, TrustedKey, TrustedKeys};

/// The pack entry holding the chain, right after `manifest.sig`.
pub const ROTATIONS_NAME: &str = "key-rotations.toml";
/// Most statements a pack may carry.
pub const MAX_ROTATIONS: usize = 16;
/// Largest `key-rotations.toml` read.
pub const MAX_ROTATIONS_BYTES: u64 = 64 << 10;

const HEADER: &str = "insideout-key-rotation 1";

/// One checked link: key `from` handed over to `to`.
#[derive(Clone)]
pub struct Rotation {
    /// The key retired.
    pub from: KeyId,
    /// The key that takes over.
    pub to: TrustedKey,
    /// `to` as the text of a minisign public key file.
    pub to_public_key: String,
    /// When the content team signed the statement.
    pub created: DateTime<Utc>,
}

impl std::fmt::Debug for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rotation({} → {})", self.from, self.to.key_id())
    }
}

/// A statement and its signature, as a `.rotation` file holds it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Signed {
    statement: String,
    signature: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Chain {
    rotation: Vec<Signed>,
}

/// What a statement says, before its signature is checked.
struct Statement {
    from: KeyId,
    to: TrustedKey,
    to_public_key: String,
    created: DateTime<Utc>,
}

/// Writes the statement by which `old` hands over to the key in
/// `new_public_key` (the text of its `.pub` file), signed by `old`: the text
/// of a `.rotation` file for `pack build --rotation`.
pub fn sign_rotation(
    old: &SigningKey,
    new_public_key: &str,
    created: DateTime<Utc>,
) -> Result<String, KeyError> {
    let to = TrustedKey::from_text(new_public_key)?;
    if to.key_id() == old.key_id() {
        return Err(KeyError::RotationToSelf(old.key_id()));
    }
    let base64 = new_public_key
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .ok_or(KeyError::BadPublicKey)?;
    let statement = format!(
        "{HEADER}\nfrom {}\nto {base64}\ncreated {}\n",
        old.key_id(),
        created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let signature = old.sign(
        statement.as_bytes(),
        &format!(
            "InsideOut key rotation from {} to {}",
            old.key_id(),
            to.key_id()
        ),
    )?;
    toml::to_string(&Signed {
        statement,
        signature,
    })
    .map_err(|e| KeyError::Sign(e.to_string()))
}

/// Joins `.rotation` files, oldest first, into a pack's `key-rotations.toml`,
/// checking that each is signed by the key it retires, that each link starts
/// where the last ended, and that the chain ends at `signer`, the key the
/// pack is signed with.
pub fn join_rotations(files: &[String], signer: KeyId) -> Result<Vec<u8>, PackError> {
    let mut chain = Vec::with_capacity(files.len());
    let mut last: Option<KeyId> = None;
    let mut previous: Option<TrustedKey> = None;
    for (i, text) in files.iter().enumerate() {
        let signed: Signed = toml::from_str(text)
            .map_err(|e| PackError::RotationMalformed(format!("rotation {}: {e}", i + 1)))?;
        let s = parse_statement(&signed.statement, i + 1)?;
        if let Some(last) = last.filter(|l| *l != s.from) {
            return Err(PackError::RotationChainBroken {
                index: i + 1,
                expected: last,
                found: s.from,
            });
        }
        // Each statement must be signed by the key it retires: the key the
        // link before handed over to, or, for the first, the key the
        // statement names (its public key is the kiosks' to check).
        let checked = match &previous {
            Some(key) => TrustedKeys::new(vec![key.clone()])
                .verify(signed.statement.as_bytes(), &signed.signature)
                .is_ok(),
            None => {
                TrustedKeys::default().verify(signed.statement.as_bytes(), &signed.signature)
                    == Err(SignatureProblem::UntrustedKey(Some(s.from)))
            }
        };
        if !checked {
            return Err(PackError::RotationInvalid {
                index: i + 1,
                key: s.from,
            });
        }
        last = Some(s.to.key_id());
        previous = Some(s.to);
        chain.push(signed);
    }
    if let Some(last) = last.filter(|l| *l != signer) {
        return Err(PackError::RotationChainBroken {
            index: files.len() + 1,
            expected: last,
            found: signer,
        });
    }
    toml::to_string(&Chain { rotation: chain })
        .map(String::into_bytes)
        .map_err(|e| PackError::RotationMalformed(e.to_string()))
}

/// Checks the chain in a pack's `key-rotations.toml` (bytes from a USB
/// stick) from a key in `keys` to `signer`, the key that signed the
/// manifest: the links walked, oldest first.
pub fn resolve(
    keys: &TrustedKeys,
    bytes: &[u8],
    signer: KeyId,
) -> Result<Vec<Rotation>, PackError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| PackError::RotationMalformed("it is not UTF-8 text".into()))?;
    let chain: Chain =
        toml::from_str(text).map_err(|e| PackError::RotationMalformed(e.to_string()))?;
    if chain.rotation.len() > MAX_ROTATIONS {
        return Err(PackError::RotationMalformed(format!(
            "it holds {} rotations; at most {MAX_ROTATIONS} are read",
            chain.rotation.len()
        )));
    }
    let statements = chain
        .rotation
        .iter()
        .enumerate()
        .map(|(i, s)| parse_statement(&s.statement, i + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(start) = statements.iter().position(|s| keys.get(s.from).is_some()) else {
        return Err(PackError::UntrustedRotation {
            from: statements.first().map(|s| s.from),
            signer,
            trusted: keys.ids_text(),
        });
    };
    let mut current = keys.get(statements[start].from).cloned();
    let mut walked = Vec::new();
    for (i, (s, signed)) in statements
        .into_iter()
        .zip(&chain.rotation)
        .enumerate()
        .skip(start)
    {
        let Some(key) = current.take() else { break };
        if s.from != key.key_id() {
            return Err(PackError::RotationChainBroken {
                index: i + 1,
                expected: key.key_id(),
                found: s.from,
            });
        }
        TrustedKeys::new(vec![key])
            .verify(signed.statement.as_bytes(), &signed.signature)
            .map_err(|_| PackError::RotationInvalid {
                index: i + 1,
                key: s.from,
            })?;
        if keys.is_retired(s.to.key_id()) {
            return Err(PackError::RotationToRetired {
                index: i + 1,
                key: s.to.key_id(),
            });
        }
        let reached = s.to.key_id() == signer;
        current = Some(s.to.clone());
        walked.push(Rotation {
            from: s.from,
            to: s.to,
            to_public_key: s.to_public_key,
            created: s.created,
        });
        if reached {
            return Ok(walked);
        }
    }
    Err(PackError::UntrustedSigner {
        signer: Some(signer),
        trusted: keys.ids_text(),
    })
}

fn parse_statement(text: &str, index: usize) -> Result<Statement, PackError> {
    let bad = |why: &str| PackError::RotationMalformed(format!("rotation {index}: {why}"));
    let mut lines = text.strip_suffix('\n').unwrap_or(text).split('\n');
    let mut field = |name: &str| {
        lines
            .next()
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix(' '))
            .ok_or_else(|| bad(&format!("no `{name}` line where one belongs")))
    };
    if text.lines().next() != Some(HEADER) {
        return Err(bad("it is not an InsideOut key rotation statement"));
    }
    field("insideout-key-rotation")?;
    let from = field("from")?
        .parse::<KeyId>()
        .map_err(|_| bad("`from` is not a key id"))?;
    let base64 = field("to")?;
    let to_public_key = format!("untrusted comment: InsideOut content key\n{base64}\n");
    let to = TrustedKey::from_text(&to_public_key).map_err(|_| bad("`to` is not a public key"))?;
    let created = DateTime::parse_from_rfc3339(field("created")?)
        .map_err(|_| bad("`created` is not a time"))?
        .with_timezone(&Utc);
    if lines.next().is_some() {
        return Err(bad("it has more lines than a statement has"));
    }
    Ok(Statement {
        from,
        to,
        to_public_key,
        created,
    })
}
