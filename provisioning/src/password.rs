//! Reading key passwords: from `INSIDEOUT_KEY_PASSWORD` for scripts, else
//! from the terminal without echo.

use anyhow::Context;

const ENV: &str = "INSIDEOUT_KEY_PASSWORD";

/// A password for a new key: asked twice on a terminal.
pub fn new_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(ENV) {
        return non_empty(p);
    }
    let p = rpassword::prompt_password("Password for the new secret key: ")
        .context("cannot read a password: run from a terminal, or set INSIDEOUT_KEY_PASSWORD")?;
    let again =
        rpassword::prompt_password("Same password again: ").context("cannot read a password")?;
    if p != again {
        anyhow::bail!("the two passwords differ; nothing was written");
    }
    non_empty(p)
}

/// The password of an existing key.
pub fn existing_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(ENV) {
        return Ok(p);
    }
    rpassword::prompt_password("Password for the secret key: ").context(
        "the secret key is password-protected: run from a terminal, or set INSIDEOUT_KEY_PASSWORD",
    )
}

fn non_empty(p: String) -> anyhow::Result<String> {
    if p.is_empty() {
        anyhow::bail!("the password is empty; choose one, or use --unencrypted for a test key");
    }
    Ok(p)
}
