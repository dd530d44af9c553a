//! Showing text that nobody vouches for.
//!
//! Names inside an unsigned archive, fields of an unverified manifest and
//! file names on a USB stick end up in messages on the screen, on a
//! terminal and in the audit log. [`shown`] makes such text safe for all
//! three: control characters (ESC, NUL, newlines, bidirectional overrides)
//! are written as escapes, and anything long is cut short with its length
//! said, so a hostile name can neither drive a terminal nor fill a disk.
//! [`open_regular`] opens a file from a stick only if it is a plain file.

use std::fs::File;
use std::io;
use std::path::Path;

/// Most characters of an untrusted text that are shown.
pub const MAX_SHOWN_CHARS: usize = 120;

/// `bytes` as text that is safe to show or store: lossy UTF-8, control and
/// formatting characters escaped, at most [`MAX_SHOWN_CHARS`] characters
/// (then "… (N bytes in all)").
pub fn shown(bytes: &[u8]) -> String {
    shown_str(&String::from_utf8_lossy(bytes))
}

/// [`shown`] for a string.
pub fn shown_str(text: &str) -> String {
    escape(text, MAX_SHOWN_CHARS)
}

/// `text` with control and formatting characters escaped, cut to
/// `max_chars` characters (then "… (N bytes in all)").
pub fn escape(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == max_chars {
            out.push_str(&format!("… ({} bytes in all)", text.len()));
            break;
        }
        if c.is_control() || is_format(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Opens `path` for reading only if it is a plain file: a symbolic link is
/// not followed (`O_NOFOLLOW`), a FIFO or device is not waited on
/// (`O_NONBLOCK`), and what was opened is checked. A stick can hold a FIFO
/// that would hang the reader, or a link to `/dev/zero` or a secret.
pub fn open_regular(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path);
    let file = match opened {
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, not a file",
            ))
        }
        other => other?,
    };
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a plain file",
        ));
    }
    Ok(file)
}

/// Unicode "format" characters that reorder or hide text (bidirectional
/// controls, zero-width characters, the byte-order mark).
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert!(open_regular(&file).is_ok());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let err = open_regular(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        // Does not hang waiting for a writer.
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("not a plain file"), "{err}");
        assert!(open_regular(dir.path()).is_err());
        assert!(open_regular(Path::new("/dev/zero")).is_err());
    }

    #[test]
    fn control_characters_are_escaped_and_long_text_cut() {
        assert_eq!(shown(b"media/a.svg"), "media/a.svg");
        assert_eq!(shown(b"a\x1b[2Jb\0c\n"), "a\\u{1b}[2Jb\\u{0}c\\u{a}");
        assert_eq!(shown_str("x\u{202E}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(shown(&[0xff, b'a']), "\u{FFFD}a");
        let long = shown(&vec![b'a'; 10_000]);
        assert!(long.starts_with(&"a".repeat(MAX_SHOWN_CHARS)));
        assert!(long.ends_with("… (10000 bytes in all)"), "{long}");
        assert!(long.len() < 200);
    }
}
