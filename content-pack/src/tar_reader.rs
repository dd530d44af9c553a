//! A strict reader for the tar archives a pack is made of.
//!
//! A pack comes from a USB stick, so this reader trusts nothing in it and
//! accepts only what a pack needs: plain files and folders in ustar, GNU or
//! old (v7) headers, with a long name in a PAX `x` header or a GNU `L` entry.
//! Everything it holds in memory is bounded before it is read: a header is
//! one 512-byte block, an extension header at most [`MAX_EXTENSION_BYTES`],
//! so an unsigned archive can never make the kiosk read a 1 GiB name.
//!
//! It also accounts for every byte of the file: the padding after each
//! entry's data must be zeros, the archive must end with its two zero blocks,
//! and nothing but zero padding may follow them (at most
//! [`MAX_TRAILING_BYTES`]). A second archive appended after the first, an
//! entry hidden behind a single zero block, data in a folder entry or bytes in
//! the padding are refused, not skipped: no byte of a pack goes unread or
//! unhashed.
//!
//! Which entries a pack may hold (its manifest's files, and their folders) is
//! decided by the caller, [`crate::archive`].

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};

use crate::error::PackError;
use crate::untrusted;

/// A tar block.
pub(crate) const BLOCK: u64 = 512;
/// Largest PAX `x` header or GNU `L` long name read (a pack path is at most
/// 200 bytes; real extension headers for one are under 300).
pub(crate) const MAX_EXTENSION_BYTES: u64 = 4 << 10;
/// Most zero bytes accepted after the end-of-archive blocks (tar tools pad
/// an archive to a whole record, 10 KiB for GNU tar and Python's tarfile).
pub(crate) const MAX_TRAILING_BYTES: u64 = 1 << 20;

/// What an entry is. Every other kind is refused by [`TarReader::next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Folder,
}

/// One entry's header, with its long name and size applied.
#[derive(Debug)]
pub(crate) struct Header {
    /// The name as stored (at most [`MAX_EXTENSION_BYTES`]).
    pub name: Vec<u8>,
    pub kind: Kind,
    /// Bytes of data.
    pub size: u64,
    /// Where the data starts in the file.
    pub data_offset: u64,
}

impl Header {
    /// The name, escaped and shortened for a message.
    pub fn shown(&self) -> String {
        untrusted::shown(&self.name)
    }
}

fn malformed(what: impl Into<String>) -> PackError {
    PackError::Malformed(what.into())
}

fn early(what: &str) -> PackError {
    PackError::Truncated(format!("{what} ends early"))
}

/// Reads entries one by one from a position in a pack file.
pub(crate) struct TarReader<'f> {
    inner: BufReader<&'f File>,
    /// Absolute position of `inner` in the file.
    pos: u64,
    /// Data of the current entry not yet read.
    remaining: u64,
    /// Zero padding after the current entry's data.
    padding: u64,
    /// The current entry's name, for messages about its data.
    current: String,
    ended: bool,
}

/// An extension header met before the entry it applies to.
#[derive(Default)]
struct Extensions {
    pax_seen: bool,
    gnu_seen: bool,
    name: Option<Vec<u8>>,
    size: Option<u64>,
}

impl<'f> TarReader<'f> {
    /// Starts reading at byte `at` of `file`, which must be a block boundary.
    pub fn new(file: &'f File, at: u64, buffer: usize) -> Result<TarReader<'f>, PackError> {
        let mut seekable = file;
        seekable
            .seek(SeekFrom::Start(at))
            .map_err(|e| PackError::Truncated(e.to_string()))?;
        Ok(TarReader {
            inner: BufReader::with_capacity(buffer, file),
            pos: at,
            remaining: 0,
            padding: 0,
            current: String::new(),
            ended: false,
        })
    }

    /// The position after everything read so far (after the current entry's
    /// padding once [`next`](Self::next) has passed it).
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The next entry, or `None` at a well-formed end of the archive. Any data
    /// of the previous entry not read is read and discarded, or, with `seek`,
    /// seeked over (its bytes are then the caller's to check).
    pub fn next(&mut self, seek: bool) -> Result<Option<Header>, PackError> {
        if self.ended {
            return Ok(None);
        }
        self.finish_entry(seek)?;
        let mut ext = Extensions::default();
        loop {
            let block = self.read_block()?;
            if block.iter().all(|&b| b == 0) {
                if ext.pax_seen || ext.gnu_seen {
                    return Err(malformed("an extension header is followed by nothing"));
                }
                self.read_end()?;
                return Ok(None);
            }
            check_checksum(&block)?;
            let size = octal(&block[124..136], "size")?;
            let data_offset = self.pos;
            match block[156] {
                b'x' => {
                    let data = self.read_extension(size, ext.pax_seen, "PAX header")?;
                    ext.pax_seen = true;
                    parse_pax(&data, &mut ext)?;
                }
                b'L' => {
                    let data = self.read_extension(size, ext.gnu_seen, "GNU long name")?;
                    ext.gnu_seen = true;
                    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                    ext.name.get_or_insert_with(|| data[..end].to_vec());
                }
                flag => {
                    let name = ext.name.take().unwrap_or_else(|| ustar_name(&block));
                    let size = ext.size.unwrap_or(size);
                    let kind = match flag {
                        b'0' | 0 => Kind::File,
                        b'5' => Kind::Folder,
                        other => {
                            return Err(PackError::ForbiddenEntry {
                                path: untrusted::shown(&name),
                                kind: forbidden_kind(other),
                            })
                        }
                    };
                    if kind == Kind::Folder && size != 0 {
                        return Err(malformed(format!(
                            "the folder entry `{}` holds data",
                            untrusted::shown(&name)
                        )));
                    }
                    self.remaining = size;
                    self.padding = padding(size);
                    self.current = untrusted::shown(&name);
                    return Ok(Some(Header {
                        name,
                        kind,
                        size,
                        data_offset,
                    }));
                }
            }
        }
    }

    /// Reads the current entry's data (up to what is left of it).
    pub fn read_data(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = (buf.len() as u64).min(self.remaining) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("`{}` ends early", self.current),
            ));
        }
        self.remaining -= n as u64;
        self.pos += n as u64;
        Ok(n)
    }

    /// The current entry's data as a reader.
    pub fn data(&mut self) -> Data<'_, 'f> {
        Data(self)
    }

    /// Reads what is left of the current entry and checks its padding, so
    /// [`position`](Self::position) is where the next header starts.
    pub fn end_entry(&mut self) -> Result<(), PackError> {
        self.finish_entry(false)
    }

    fn finish_entry(&mut self, seek: bool) -> Result<(), PackError> {
        if self.remaining > 0 {
            if seek {
                let skip = i64::try_from(self.remaining)
                    .map_err(|_| malformed("an entry is too large"))?;
                self.inner
                    .seek_relative(skip)
                    .map_err(|e| PackError::Truncated(e.to_string()))?;
                self.pos += self.remaining;
                self.remaining = 0;
            } else {
                std::io::copy(&mut self.data(), &mut std::io::sink())
                    .map_err(|e| PackError::Truncated(e.to_string()))?;
            }
        }
        let mut pad = [0u8; BLOCK as usize];
        let pad = &mut pad[..self.padding as usize];
        self.read_exact(pad, &self.current.clone())?;
        if pad.iter().any(|&b| b != 0) {
            return Err(malformed(format!(
                "bytes are hidden in the padding after `{}`",
                self.current
            )));
        }
        self.padding = 0;
        Ok(())
    }

    fn read_exact(&mut self, buf: &mut [u8], what: &str) -> Result<(), PackError> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => early(what),
            _ => PackError::Truncated(e.to_string()),
        })?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn read_block(&mut self) -> Result<[u8; BLOCK as usize], PackError> {
        let mut block = [0u8; BLOCK as usize];
        self.read_exact(&mut block, "the archive")?;
        Ok(block)
    }

    fn read_extension(&mut self, size: u64, again: bool, what: &str) -> Result<Vec<u8>, PackError> {
        if again {
            return Err(malformed(format!("two {what}s for one entry")));
        }
        if size > MAX_EXTENSION_BYTES {
            return Err(malformed(format!(
                "a {what} of {size} bytes (the limit is {MAX_EXTENSION_BYTES})"
            )));
        }
        let mut data = vec![0u8; size as usize];
        self.read_exact(&mut data, what)?;
        let mut pad = vec![0u8; padding(size) as usize];
        self.read_exact(&mut pad, what)?;
        if pad.iter().any(|&b| b != 0) {
            return Err(malformed(format!(
                "bytes are hidden in the padding of a {what}"
            )));
        }
        Ok(data)
    }

    /// After the first zero block: the second, then only zeros to the end.
    fn read_end(&mut self) -> Result<(), PackError> {
        self.ended = true;
        let second = self
            .read_block()
            .map_err(|_| malformed("the archive ends with one zero block instead of two"))?;
        if second.iter().any(|&b| b != 0) {
            return Err(malformed("an entry is hidden behind a single zero block"));
        }
        let mut trailing = 0u64;
        let mut buf = [0u8; 8192];
        loop {
            let n = self
                .inner
                .read(&mut buf)
                .map_err(|e| PackError::Truncated(e.to_string()))?;
            if n == 0 {
                return Ok(());
            }
            trailing += n as u64;
            if trailing > MAX_TRAILING_BYTES || buf[..n].iter().any(|&b| b != 0) {
                return Err(malformed("there is data after the end of the archive"));
            }
        }
    }
}

/// The data of the entry a [`TarReader`] is on.
pub(crate) struct Data<'r, 'f>(&'r mut TarReader<'f>);

impl Read for Data<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read_data(buf)
    }
}

/// Zero bytes after `size` bytes of data, to the next block.
pub(crate) fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

fn check_checksum(block: &[u8; BLOCK as usize]) -> Result<(), PackError> {
    let stored = octal(&block[148..156], "checksum")?;
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    if stored != sum {
        return Err(malformed("an entry header's checksum is wrong"));
    }
    Ok(())
}

/// An octal number field: optional leading spaces, digits, then NULs or
/// spaces to the end. Binary (base-256) numbers are refused: no pack file
/// is large enough to need one.
fn octal(field: &[u8], what: &str) -> Result<u64, PackError> {
    let bad = || malformed(format!("an entry header's {what} field is not a number"));
    let start = field.iter().position(|&b| b != b' ').ok_or_else(bad)?;
    let digits = &field[start..];
    let len = digits
        .iter()
        .position(|&b| b == 0 || b == b' ')
        .unwrap_or(digits.len());
    if len == 0 || digits[len..].iter().any(|&b| b != 0 && b != b' ') {
        return Err(bad());
    }
    digits[..len].iter().try_fold(0u64, |n, &d| match d {
        b'0'..=b'7' => n
            .checked_mul(8)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or_else(bad),
        _ => Err(bad()),
    })
}

/// The name in a header: ustar's prefix and name, or a GNU or v7 name.
fn ustar_name(block: &[u8; BLOCK as usize]) -> Vec<u8> {
    let field = |range: std::ops::Range<usize>| {
        let f = &block[range];
        f[..f.iter().position(|&b| b == 0).unwrap_or(f.len())].to_vec()
    };
    let name = field(0..100);
    // POSIX ustar ("ustar\0" "00") has a prefix; GNU ("ustar  \0") does not.
    if &block[257..265] == b"ustar\x0000" {
        let prefix = field(345..500);
        if !prefix.is_empty() {
            return [prefix, b"/".to_vec(), name].concat();
        }
    }
    name
}

/// Reads a PAX header's records (`LEN KEY=VALUE\n`, LEN counting the whole
/// record): `path` and `size` apply; sparse files are refused; other keys
/// (times, owners) do not change which bytes are read and are ignored.
fn parse_pax(mut data: &[u8], ext: &mut Extensions) -> Result<(), PackError> {
    let bad = || malformed("a PAX header is malformed");
    while !data.is_empty() {
        let space = data.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&data[..space])
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > data.len() || data[len - 1] != b'\n' {
            return Err(bad());
        }
        let record = &data[space + 1..len - 1];
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        match key {
            b"path" => {
                if value.contains(&0) {
                    return Err(bad());
                }
                ext.name = Some(value.to_vec());
            }
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse::<u64>().ok())
                    .ok_or_else(|| malformed("a PAX header's size is not a number"))?;
                ext.size = Some(size);
            }
            k if k.starts_with(b"GNU.sparse.") => {
                return Err(PackError::ForbiddenEntry {
                    path: ext
                        .name
                        .as_deref()
                        .map(untrusted::shown)
                        .unwrap_or_default(),
                    kind: "sparse file",
                })
            }
            _ => {}
        }
        data = &data[len..];
    }
    Ok(())
}

fn forbidden_kind(flag: u8) -> &'static str {
    match flag {
        b'1' => "hard link",
        b'2' => "symbolic link",
        b'3' | b'4' => "device",
        b'6' => "FIFO",
        b'7' => "contiguous file",
        b'S' => "sparse file",
        b'g' => "global PAX header",
        b'K' => "GNU long link name",
        _ => "special entry",
    }
}
