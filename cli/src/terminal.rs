//! Terminal niceties of the polling flows: a QR code of the verification URL
//! (scan it instead of typing) and a spinner with the time left. Both go to
//! stderr, and the spinner only when stderr is a terminal, so scripts and
//! logs see plain lines.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The text as a QR code drawn with half-block characters (two modules per
/// character row), with the quiet zone; `None` if it cannot be encoded.
pub fn qr(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build(),
    )
}

/// A spinner with the time left before `deadline`, redrawn on one line until dropped.
pub struct Spinner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Starts spinning on stderr if it is a terminal; otherwise does nothing.
    pub fn start(message: &str, deadline: Instant) -> Spinner {
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Spinner { stop, thread: None };
        }
        let (flag, message) = (stop.clone(), message.to_string());
        let thread = std::thread::spawn(move || {
            const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut i = 0;
            while !flag.load(Ordering::Relaxed) {
                let left = deadline.saturating_duration_since(Instant::now()).as_secs();
                eprint!(
                    "\r{} {message} {}:{:02} left ",
                    FRAMES[i % FRAMES.len()],
                    left / 60,
                    left % 60
                );
                let _ = std::io::stderr().flush();
                i += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        });
        Spinner {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Opens `url` in the browser for `--open`; the URL is printed anyway, so a
/// machine without one (a server over SSH) only gets a note.
pub fn open_browser(url: &str) {
    if let Err(e) = webbrowser::open(url) {
        eprintln!("(could not open a browser: {e}; open the URL above by hand)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_render_as_text_blocks() {
        let q = qr("http://127.0.0.1:8080/device?user_code=WDJB-MJHT").unwrap();
        let lines: Vec<&str> = q.lines().collect();
        assert!(lines.len() > 10);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
        assert!(q.contains('█') || q.contains('▀') || q.contains('▄'));
    }
}
