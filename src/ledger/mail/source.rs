//! Turns the paths given to `ingest-mail` into raw messages, each with where it came from.
//!
//! A file starting with `From ` is an mbox; any other file is one message (`.eml`, a Maildir
//! entry); a folder with `cur/` or `new/` is a Maildir. Any file may be gzip-compressed (detected
//! by its magic bytes, not its name). mail-parser has an mbox iterator, but it does not tell
//! where a message starts, and a skipped message must be reported with its position, so the
//! split happens here: a `From ` line after a blank line (or at the start) opens a message, and
//! `>From ` quoting is undone. Files are streamed, a line (or a piece of a long one) at a time,
//! through [`super::trim`], so neither a large mbox nor a large message is ever held in memory:
//! each message keeps only its headers, structure and text.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::trim::{PIECE, Trimmer};
use crate::diagnostics::Diagnostic;

/// Where a message was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    /// For mbox files: 1-based message number and byte offset of its `From ` line (in the
    /// uncompressed stream for `.gz`).
    pub mbox: Option<(usize, u64)>,
}

impl Origin {
    /// `message 3 at byte 1042` for mbox messages; empty otherwise (the file names it).
    pub fn position(&self) -> Option<String> {
        self.mbox
            .map(|(n, off)| format!("message {n} at byte {off}"))
    }
}

#[derive(Debug)]
pub struct RawMessage {
    pub origin: Origin,
    /// What the ledger reads of the message (see [`super::trim`]).
    pub bytes: Vec<u8>,
    /// blake3 of the whole message as read.
    pub hash: blake3::Hash,
    /// Some of its text was past the cap and not read.
    pub capped: bool,
}

/// What the reader yields: a message, or a path it could not read (reported, then skipped).
#[derive(Debug)]
pub enum Item {
    Message(RawMessage),
    Unreadable(Diagnostic),
}

type Stream = BufReader<Box<dyn Read + Send>>;

/// Streams every message under the given paths, in order.
pub struct MailReader {
    queue: VecDeque<PathBuf>,
    mbox: Option<Mbox>,
}

struct Mbox {
    file: PathBuf,
    stream: Stream,
    offset: u64,
    index: usize,
    /// The `From ` line already read that opens the next message, with its offset.
    pending_start: Option<u64>,
}

impl MailReader {
    /// Expands folders up front, so "not a Maildir" is reported before any work.
    pub fn new(paths: &[PathBuf]) -> (MailReader, Vec<Diagnostic>) {
        let mut queue = VecDeque::new();
        let mut problems = Vec::new();
        for path in paths {
            if path.is_dir() {
                match maildir_files(path) {
                    Ok(files) => queue.extend(files),
                    Err(d) => problems.push(d),
                }
            } else {
                queue.push_back(path.clone());
            }
        }
        (MailReader { queue, mbox: None }, problems)
    }

    fn open_next(&mut self, path: PathBuf) -> Option<Item> {
        let mut stream = match open(&path) {
            Ok(s) => s,
            Err(e) => {
                return Some(Item::Unreadable(
                    Diagnostic::warning("cannot read mail file, skipped")
                        .at(&path)
                        .cause(e.to_string()),
                ));
            }
        };
        let is_mbox = match stream.fill_buf() {
            Ok(buf) => buf.starts_with(b"From "),
            Err(e) => {
                return Some(Item::Unreadable(
                    Diagnostic::warning("cannot read mail file, skipped")
                        .at(&path)
                        .cause(e.to_string()),
                ));
            }
        };
        if is_mbox {
            self.mbox = Some(Mbox {
                file: path,
                stream,
                offset: 0,
                index: 0,
                pending_start: None,
            });
            return None;
        }
        let mut trimmer = Trimmer::default();
        let mut piece = Vec::with_capacity(256);
        let mut line_start = true;
        let read = loop {
            match read_piece(&mut stream, &mut piece) {
                Ok(0) => break Ok(()),
                Ok(_) => {
                    trimmer.push(&piece, line_start);
                    line_start = piece.ends_with(b"\n");
                }
                Err(e) => break Err(e),
            }
        };
        match read {
            Ok(()) => {
                let t = trimmer.finish();
                Some(Item::Message(RawMessage {
                    origin: Origin {
                        file: path,
                        mbox: None,
                    },
                    bytes: t.bytes,
                    hash: t.hash,
                    capped: t.capped,
                }))
            }
            Err(e) => Some(Item::Unreadable(
                Diagnostic::warning("cannot read mail file, skipped")
                    .at(&path)
                    .cause(e.to_string()),
            )),
        }
    }
}

impl Iterator for MailReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(mbox) = &mut self.mbox {
                match mbox.next_message() {
                    Ok(Some(m)) => return Some(Item::Message(m)),
                    Ok(None) => self.mbox = None,
                    Err(e) => {
                        let d = Diagnostic::warning(format!(
                            "cannot read the mbox after byte {}, rest of file skipped",
                            mbox.offset
                        ))
                        .at(&mbox.file)
                        .cause(e.to_string());
                        self.mbox = None;
                        return Some(Item::Unreadable(d));
                    }
                }
            }
            let path = self.queue.pop_front()?;
            if let Some(item) = self.open_next(path) {
                return Some(item);
            }
        }
    }
}

impl Mbox {
    fn next_message(&mut self) -> std::io::Result<Option<RawMessage>> {
        let mut piece = Vec::with_capacity(256);
        let mut start = self.pending_start.take();
        let mut trimmer = Trimmer::default();
        let mut prev_blank = true;
        // Whether the next piece begins a line (the previous one ended with `\n`).
        let mut line_start = true;
        loop {
            let n = read_piece(&mut self.stream, &mut piece)?;
            if n == 0 {
                break;
            }
            let piece_offset = self.offset;
            self.offset += n as u64;
            let at_start = std::mem::replace(&mut line_start, piece.ends_with(b"\n"));
            if at_start && prev_blank && piece.starts_with(b"From ") {
                if start.is_some() {
                    self.pending_start = Some(piece_offset);
                    // The rest of a long `From ` line is not part of the next message.
                    self.skip_line(&mut piece, line_start)?;
                    break;
                }
                start = Some(piece_offset);
                prev_blank = false;
                self.skip_line(&mut piece, line_start)?;
                line_start = true;
                continue;
            }
            prev_blank = at_start && (piece == b"\n" || piece == b"\r\n");
            if start.is_none() {
                // Text before the first `From ` line of a file that started with one cannot
                // happen; anything else is ignored.
                continue;
            }
            let body = if at_start {
                unquote_from(&piece)
            } else {
                &piece
            };
            trimmer.push(body, at_start);
        }
        let Some(start) = start else { return Ok(None) };
        self.index += 1;
        let t = trimmer.finish();
        Ok(Some(RawMessage {
            origin: Origin {
                file: self.file.clone(),
                mbox: Some((self.index, start)),
            },
            bytes: t.bytes,
            hash: t.hash,
            capped: t.capped,
        }))
    }

    /// Reads past the rest of a line whose first piece was already read (`done`: it ended).
    fn skip_line(&mut self, piece: &mut Vec<u8>, done: bool) -> std::io::Result<()> {
        let mut done = done;
        while !done {
            let n = read_piece(&mut self.stream, piece)?;
            self.offset += n as u64;
            done = n == 0 || piece.ends_with(b"\n");
        }
        Ok(())
    }
}

/// Reads the next line into `out`, or its next [`PIECE`] bytes if it is longer, so one
/// enormous line (a gzip bomb need not have any line break) never fills memory. Returns how
/// many bytes were read; 0 at the end of the stream.
fn read_piece(r: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<usize> {
    out.clear();
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(out.len());
        }
        let room = &available[..available.len().min(PIECE - out.len())];
        let (take, ended) = match room.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (room.len(), false),
        };
        out.extend_from_slice(&room[..take]);
        r.consume(take);
        if ended || out.len() >= PIECE {
            return Ok(out.len());
        }
    }
}

/// `>From ` → `From `, `>>From ` → `>From ` (mboxrd; also right for mboxo's single level).
fn unquote_from(line: &[u8]) -> &[u8] {
    let gt = line.iter().take_while(|&&b| b == b'>').count();
    if gt > 0 && line[gt..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

fn open(path: &Path) -> std::io::Result<Stream> {
    let mut file = BufReader::new(File::open(path)?);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn Read + Send> = if gz {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(BufReader::with_capacity(256 * 1024, inner))
}

/// The message files of a Maildir (`new/` then `cur/`, each sorted by name; `tmp/` holds
/// messages still being delivered and is left alone).
fn maildir_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let subdirs: Vec<PathBuf> = ["new", "cur"]
        .iter()
        .map(|s| dir.join(s))
        .filter(|d| d.is_dir())
        .collect();
    if subdirs.is_empty() {
        return Err(
            Diagnostic::error("folder is not a Maildir (it has no `cur/` or `new/`)")
                .at(dir)
                .hint("pass an mbox file, `.eml` files or a Maildir folder"),
        );
    }
    let mut files = Vec::new();
    for sub in subdirs {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&sub)
            .map_err(|e| {
                Diagnostic::error("cannot list Maildir folder")
                    .at(&sub)
                    .cause(e.to_string())
            })?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        names.sort();
        files.extend(names);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(paths: &[PathBuf]) -> Vec<RawMessage> {
        let (reader, problems) = MailReader::new(paths);
        assert!(problems.is_empty());
        reader
            .map(|i| match i {
                Item::Message(m) => m,
                Item::Unreadable(d) => panic!("{d}"),
            })
            .collect()
    }

    const MBOX: &[u8] = b"From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\nFrom here on\n>From quoted\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\n";

    #[test]
    fn splits_mbox_with_offsets_and_unquotes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.mbox");
        std::fs::write(&p, MBOX).unwrap();
        let msgs = read_all(std::slice::from_ref(&p));
        assert_eq!(msgs.len(), 2);
        // "From here on" follows a non-blank line: body text, not a separator.
        assert_eq!(
            msgs[0].bytes,
            b"Subject: one\n\nbody\nFrom here on\nFrom quoted\n\n"
        );
        assert_eq!(msgs[0].origin.mbox, Some((1, 0)));
        let second = MBOX.windows(7).position(|w| w == b"From b@").unwrap() as u64;
        assert_eq!(msgs[1].origin.mbox, Some((2, second)));
        assert_eq!(
            msgs[1].origin.position().unwrap(),
            format!("message 2 at byte {second}")
        );
    }

    #[test]
    fn gz_and_maildir() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("m.mbox.gz");
        let mut enc =
            flate2::write::GzEncoder::new(File::create(&gz).unwrap(), flate2::Compression::fast());
        enc.write_all(MBOX).unwrap();
        enc.finish().unwrap();
        let md = dir.path().join("Maildir");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(md.join(sub)).unwrap();
        }
        std::fs::write(md.join("cur/2"), b"Subject: b\n\nx\n").unwrap();
        std::fs::write(md.join("new/1"), b"Subject: a\n\nx\n").unwrap();
        std::fs::write(md.join("tmp/3"), b"Subject: c\n\nx\n").unwrap();
        let msgs = read_all(&[gz, md]);
        assert_eq!(msgs.len(), 4);
        assert!(msgs[2].origin.file.ends_with("new/1"));
        assert!(msgs[3].origin.file.ends_with("cur/2"));
    }

    #[test]
    fn plain_folder_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (_, problems) = MailReader::new(&[dir.path().to_path_buf()]);
        assert!(problems[0].message.contains("not a Maildir"));
    }
}
