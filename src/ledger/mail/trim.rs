//! Keeps of one message only what the ledger reads, while it streams past: every header, the
//! MIME structure, and text parts up to [`MAX_TEXT`]. Attachments, images and forwarded
//! messages are dropped as they are read, so a reply with a 100 MB attachment (or a gzip bomb)
//! costs what its text costs, and the batch of messages parsed at once stays small (issue 13).
//!
//! The result is still a well-formed message — header lines and boundary lines are kept as
//! they were — so mail-parser reads it as before: links live in text parts, and whether a
//! multipart was cut off is still seen from its closing boundary. The message key of a message
//! without a Message-ID is a hash of all of its bytes, so it is hashed as it streams, not
//! trimmed: re-ingesting a mailbox keyed by an older helpsite finds the same keys.

use mail_parser::{MessageParser, MimeHeaders};

/// Text bytes kept per message; links further on are not read (the summary counts such
/// messages). A reply's own text is rarely over 100 KiB, even as HTML.
pub const MAX_TEXT: usize = 1 << 20;
/// Header bytes kept per part.
pub const MAX_HEADER: usize = 256 << 10;
/// Bytes kept per message in all, whatever its structure (many tiny parts).
pub const MAX_KEPT: usize = 4 << 20;
/// Longest piece of a line read at once: longer lines arrive in several pieces.
pub const PIECE: usize = 64 << 10;

/// What is kept of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed {
    pub bytes: Vec<u8>,
    /// blake3 of the whole message as read, before trimming.
    pub hash: blake3::Hash,
    /// Some text was not kept (over [`MAX_TEXT`], [`MAX_HEADER`] or [`MAX_KEPT`]).
    pub capped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a part's header (into `header`).
    Header,
    /// A text part's body: kept.
    Text,
    /// Any other body, or a multipart's preamble and epilogue: dropped.
    Skip,
}

/// Takes a message a piece at a time (see [`Trimmer::push`]).
pub struct Trimmer {
    out: Vec<u8>,
    hash: blake3::Hasher,
    state: State,
    header: Vec<u8>,
    /// `--boundary` of each open multipart, outermost first.
    boundaries: Vec<Vec<u8>>,
    text: usize,
    capped: bool,
    parser: MessageParser,
}

impl Default for Trimmer {
    fn default() -> Self {
        Trimmer {
            out: Vec::new(),
            hash: blake3::Hasher::new(),
            state: State::Header,
            header: Vec::new(),
            boundaries: Vec::new(),
            text: 0,
            capped: false,
            parser: MessageParser::default(),
        }
    }
}

impl Trimmer {
    /// Takes the next piece: a whole line with its `\n`, or part of a long one (at most
    /// [`PIECE`] bytes). `line_start` says whether the piece begins a line.
    pub fn push(&mut self, piece: &[u8], line_start: bool) {
        self.hash.update(piece);
        if line_start && let Some((depth, close)) = self.boundary(piece) {
            if self.state == State::Header {
                self.end_header(None);
            }
            self.boundaries.truncate(depth + usize::from(!close));
            self.state = if close { State::Skip } else { State::Header };
            // Boundary lines are short and carry the structure: kept past MAX_KEPT, up to a
            // margin, so the message stays well formed.
            if self.out.len() < MAX_KEPT + PIECE {
                self.line_break();
                self.out.extend_from_slice(piece);
            } else {
                self.capped = true;
            }
            return;
        }
        match self.state {
            State::Header if line_start && (piece == b"\n" || piece == b"\r\n") => {
                self.end_header(Some(piece));
            }
            State::Header => {
                if self.header.len() + piece.len() <= MAX_HEADER {
                    self.header.extend_from_slice(piece);
                } else {
                    self.capped = true;
                }
            }
            State::Text => {
                if self.text + piece.len() <= MAX_TEXT && self.out.len() + piece.len() <= MAX_KEPT {
                    self.text += piece.len();
                    self.out.extend_from_slice(piece);
                } else {
                    // Once over, no later piece is kept either: text is never kept with a gap.
                    self.text = MAX_TEXT;
                    self.capped = true;
                }
            }
            State::Skip => {}
        }
    }

    /// What was kept, and the hash of everything pushed.
    pub fn finish(mut self) -> Trimmed {
        if self.state == State::Header {
            self.end_header(None);
        }
        Trimmed {
            bytes: self.out,
            hash: self.hash.finalize(),
            capped: self.capped,
        }
    }

    /// The open multipart a boundary line belongs to (index into `boundaries`), and whether
    /// it closes it (`--b--`).
    fn boundary(&self, line: &[u8]) -> Option<(usize, bool)> {
        if !line.starts_with(b"--") {
            return None;
        }
        self.boundaries.iter().enumerate().rev().find_map(|(i, b)| {
            let rest = line.strip_prefix(b.as_slice())?;
            let (close, rest) = match rest.strip_prefix(b"--") {
                Some(r) => (true, r),
                None => (false, rest),
            };
            rest.iter()
                .all(|c| c.is_ascii_whitespace())
                .then_some((i, close))
        })
    }

    /// A part's header is complete: keep it and decide what its body is.
    fn end_header(&mut self, blank_line: Option<&[u8]>) {
        let header = std::mem::take(&mut self.header);
        self.state = State::Text;
        if let Some(msg) = self
            .parser
            .parse_headers(&[header.as_slice(), b"\n"].concat())
            && let Some(ct) = msg.root_part().content_type()
        {
            let ctype = ct.ctype();
            if ctype.eq_ignore_ascii_case("multipart") {
                if let Some(b) = ct.attribute("boundary") {
                    self.boundaries.push([b"--", b.as_bytes()].concat());
                    self.state = State::Skip;
                }
            } else if !ctype.eq_ignore_ascii_case("text") {
                self.state = State::Skip;
            }
        }
        if self.out.len() + header.len() <= MAX_KEPT {
            self.out.extend_from_slice(&header);
        } else {
            self.capped = true;
        }
        if let Some(blank) = blank_line
            && self.out.len() < MAX_KEPT + PIECE
        {
            self.line_break();
            self.out.extend_from_slice(blank);
        }
    }

    /// Ends the kept text with a line break, so a boundary line that follows a cut text
    /// still starts a line.
    fn line_break(&mut self) {
        if self.out.last().is_some_and(|&b| b != b'\n') {
            self.out.push(b'\n');
        }
    }
}

/// Trims a message held in memory (tests, fuzzing, single small inputs).
pub fn trim(raw: &[u8]) -> Trimmed {
    let mut t = Trimmer::default();
    let mut line_start = true;
    let mut rest = raw;
    while !rest.is_empty() {
        let end = rest[..rest.len().min(PIECE)]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len().min(PIECE), |i| i + 1);
        let (piece, tail) = rest.split_at(end);
        t.push(piece, line_start);
        line_start = piece.ends_with(b"\n");
        rest = tail;
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(attachment: usize) -> Vec<u8> {
        let mut m = b"From: Sam <sam@divergent.cloud>\r\nSubject: Re: logs\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nSee https://support.divergent.cloud/faq/\r\n--inner\r\nContent-Type: text/html\r\n\r\n<a href=\"https://support.divergent.cloud/faq/\">FAQ</a>\r\n--inner--\r\n--outer\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
        for _ in 0..attachment / 78 {
            m.extend_from_slice(&[b'A'; 76]);
            m.extend_from_slice(b"\r\n");
        }
        m.extend_from_slice(b"--outer--\r\nepilogue\r\n");
        m
    }

    #[test]
    fn attachments_are_dropped_and_the_rest_kept_as_it_was() {
        let raw = message(1 << 20);
        let t = trim(&raw);
        let kept = String::from_utf8(t.bytes).unwrap();
        assert!(!t.capped);
        assert_eq!(t.hash, blake3::hash(&raw));
        assert!(kept.len() < 1024, "{} bytes kept", kept.len());
        assert!(kept.contains("Subject: Re: logs\r\n"));
        assert!(kept.contains("See https://support.divergent.cloud/faq/\r\n"));
        assert!(kept.contains("<a href=\"https://support.divergent.cloud/faq/\">"));
        assert!(kept.ends_with("Content-Transfer-Encoding: base64\r\n\r\n--outer--\r\n"));
        assert!(!kept.contains("preamble") && !kept.contains("epilogue"));
    }

    #[test]
    fn text_past_the_cap_is_not_kept() {
        let mut raw = b"Subject: long\n\n".to_vec();
        let line = [b"x".repeat(100), b"\n".to_vec()].concat();
        for _ in 0..(MAX_TEXT / 101 + 10) {
            raw.extend_from_slice(&line);
        }
        let t = trim(&raw);
        assert!(t.capped);
        assert!(t.bytes.len() <= MAX_TEXT + 64);
        // One line of 3 MiB arrives in pieces; kept up to the cap, never with a gap.
        let mut one = b"Subject: one line\n\n".to_vec();
        one.extend(std::iter::repeat_n(b'y', 3 << 20));
        let t = trim(&one);
        assert!(t.capped);
        assert!(t.bytes.len() <= MAX_TEXT + 64);
    }

    #[test]
    fn plain_messages_are_kept_whole() {
        let raw = b"From: a@x\nSubject: hi\n\nbody https://a.b/c/\n--not a boundary\n";
        let t = trim(raw);
        assert_eq!(t.bytes, raw);
        assert!(!t.capped);
    }
}
