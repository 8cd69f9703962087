//! Fuzz input as a small HTTP answer, so the corpora are readable and the
//! fuzzer mutates statuses and headers as well as bodies:
//!
//! ```text
//! 200 deskera_v1 refresh
//! content-type: application/json
//! retry-after: 120
//!
//! {"access_token":"…"}
//! ```
//!
//! The first line is the status, then words a target may read (a profile
//! name, `refresh`); header lines follow up to an empty line; the rest is the
//! body, as bytes. Input without an empty line is a body answered with 200.

use oauth2kit::HttpResponse;

/// A decoded input.
#[derive(Debug)]
pub struct Answer {
    /// The answer to parse.
    pub response: HttpResponse,
    /// Words after the status on the first line.
    pub words: Vec<String>,
}

impl Answer {
    /// Whether the first line carries `word`.
    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }
}

/// Decodes an input; never fails (every byte string is some answer).
pub fn answer(data: &[u8]) -> Answer {
    let Some(split) = data.windows(2).position(|w| w == b"\n\n") else {
        return Answer {
            response: HttpResponse::new(200, Vec::new(), data.to_vec()),
            words: Vec::new(),
        };
    };
    let head = String::from_utf8_lossy(&data[..split]);
    let body = data[split + 2..].to_vec();
    let mut lines = head.lines();
    let mut words = lines.next().unwrap_or("").split_whitespace();
    // Statuses out of the u16 range still reach the parsers as some status.
    let status = words
        .next()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(200, |n| (n % 1000) as u16);
    let words = words.map(str::to_string).collect();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        response: HttpResponse::new(status, headers, body),
        words,
    }
}
