//! What a failed search may be stored as: the privacy rules of the "Searches with no results"
//! report, in one place so the feedback service and its tests agree on them.
//!
//! Readers type anything into a search box, including their own email address or an order or
//! phone number. The ledger must never hold those, so a query is stored only normalised
//! (lowercased, whitespace collapsed, trimmed), only up to [`MAX_QUERY_CHARS`], and never when
//! it looks like personal data (an `@`, or a run of [`MAX_DIGIT_RUN`] or more digits). The
//! theme's search-ui.js applies the same rules before sending, so such queries normally never
//! leave the browser; this is the check that holds when a client does not.

/// Longest normalised query stored, in characters. Longer ones are refused rather than cut:
/// a cut query names no page a writer could write.
pub const MAX_QUERY_CHARS: usize = 100;
/// A run of this many digits looks like a phone, order or account number.
pub const MAX_DIGIT_RUN: usize = 6;

/// Why a query is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLong,
    /// Looks like personal data: accepted by the service but dropped (see `service`).
    Personal,
}

/// The form a failed search is stored in, or why it is not stored.
pub fn normalise(query: &str) -> Result<String, Refusal> {
    let q = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if q.is_empty() {
        return Err(Refusal::Empty);
    }
    if looks_personal(&q) {
        return Err(Refusal::Personal);
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Refusal::TooLong);
    }
    Ok(q)
}

fn looks_personal(q: &str) -> bool {
    let mut run = 0;
    for c in q.chars() {
        if c == '@' {
            return true;
        }
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= MAX_DIGIT_RUN {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(
            normalise("  Reset   PASSWORD\t2FA \n").as_deref(),
            Ok("reset password 2fa")
        );
        assert_eq!(normalise(" \t "), Err(Refusal::Empty));
        assert_eq!(normalise("mail me at a@b.example"), Err(Refusal::Personal));
        assert_eq!(normalise("order 123456 late"), Err(Refusal::Personal));
        // Five digits, or digits split up, are a version or a year, not a person.
        assert_eq!(normalise("error 12345").as_deref(), Ok("error 12345"));
        assert_eq!(normalise("2024 10 01").as_deref(), Ok("2024 10 01"));
        assert_eq!(normalise(&"a".repeat(100)).map(|q| q.len()), Ok(100));
        assert_eq!(normalise(&"a".repeat(101)), Err(Refusal::TooLong));
        // Characters, not bytes: 100 accented letters fit.
        assert!(normalise(&"é".repeat(100)).is_ok());
    }
}
