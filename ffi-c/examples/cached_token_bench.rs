//! Side-by-side, in one process: a cached token read through the Rust API and
//! through the C ABI, two ways each — as a new string (Rust
//! `access_token()`, C `oauth2kit_session_access_token` +
//! `oauth2kit_string_free`) and without allocating (Rust `token()`, C
//! `oauth2kit_session_access_token_into` a caller's buffer). Prints
//! nanoseconds per read and the ratios.
//!
//!   cargo run --release -p oauth2kit-ffi --example cached_token_bench -- http://127.0.0.1:PORT

use std::ffi::c_char;
use std::hint::black_box;
use std::time::Instant;

use oauth2kit_ffi::*;

const N: u32 = 200_000;

fn main() {
    let base = std::env::args()
        .nth(1)
        .expect("usage: cached_token_bench DEVSERVER_URL");
    let cfg_text = |s: &str| std::ffi::CString::new(s).expect("no NUL");
    let mut cfg = std::ptr::null_mut();
    let id = cfg_text("basic-client");
    assert_eq!(
        oauth2kit_config_new(id.as_ptr(), &mut cfg),
        oauth2kit_status::Ok
    );
    let secret = cfg_text("basic secret+/&=:%");
    let token_url = cfg_text(&format!("{base}/token"));
    assert_eq!(
        oauth2kit_config_set(cfg, oauth2kit_option::ClientSecret as i32, secret.as_ptr()),
        oauth2kit_status::Ok
    );
    assert_eq!(
        oauth2kit_config_set(cfg, oauth2kit_option::TokenUrl as i32, token_url.as_ptr()),
        oauth2kit_status::Ok
    );
    let mut client = std::ptr::null_mut();
    assert_eq!(oauth2kit_client_new(cfg, &mut client), oauth2kit_status::Ok);
    let mut opts = std::ptr::null_mut();
    assert_eq!(
        oauth2kit_session_config_new(&mut opts),
        oauth2kit_status::Ok
    );
    assert_eq!(
        oauth2kit_session_config_set(
            opts,
            oauth2kit_session_option::ClientCredentials as i32,
            c"true".as_ptr()
        ),
        oauth2kit_status::Ok
    );
    let mut session = std::ptr::null_mut();
    assert_eq!(
        oauth2kit_session_new(client, opts, &mut session),
        oauth2kit_status::Ok
    );
    oauth2kit_session_config_free(opts);

    // The same session, seen from Rust: a second session over the same client
    // would fetch its own token, so read the Rust way through a fresh blocking
    // session built over an equal client.
    let rust_client = oauth2kit::blocking::Client::new(
        oauth2kit::OAuthClient::builder("basic-client")
            .client_secret("basic secret+/&=:%")
            .token_url(format!("{base}/token"))
            .build()
            .expect("client"),
    )
    .expect("client");
    let rust_session = oauth2kit::blocking::Session::new(
        oauth2kit::session::Session::builder(rust_client.as_async().clone())
            .client_credentials(None)
            .build(),
    );

    // Warm both (the first read fetches the token).
    let mut out: *mut c_char = std::ptr::null_mut();
    assert_eq!(
        oauth2kit_session_access_token(session, &mut out),
        oauth2kit_status::Ok
    );
    oauth2kit_string_free(out);
    rust_session.access_token().expect("token");

    for round in 1..=3 {
        let t = Instant::now();
        for _ in 0..N {
            black_box(rust_session.access_token().expect("token"));
        }
        let rust_ns = t.elapsed().as_nanos() as f64 / f64::from(N);

        let t = Instant::now();
        for _ in 0..N {
            let mut out: *mut c_char = std::ptr::null_mut();
            let st = oauth2kit_session_access_token(black_box(session), &mut out);
            debug_assert_eq!(st, oauth2kit_status::Ok);
            oauth2kit_string_free(black_box(out));
        }
        let c_ns = t.elapsed().as_nanos() as f64 / f64::from(N);

        let t = Instant::now();
        for _ in 0..N {
            let tokens = rust_session.token().expect("token");
            black_box(tokens.access_token.expose().len());
        }
        let rust_borrow_ns = t.elapsed().as_nanos() as f64 / f64::from(N);

        let mut buf = [0 as c_char; 4096];
        let t = Instant::now();
        for _ in 0..N {
            let st = oauth2kit_session_access_token_into(
                black_box(session),
                buf.as_mut_ptr(),
                buf.len(),
                std::ptr::null_mut(),
            );
            debug_assert_eq!(st, oauth2kit_status::Ok);
            black_box(&buf);
        }
        let c_into_ns = t.elapsed().as_nanos() as f64 / f64::from(N);
        println!(
            "round {round}: new string: Rust {rust_ns:.0} ns/read, C {c_ns:.0} ns/read, C/Rust = {:.2}; \
             no allocation: Rust {rust_borrow_ns:.0} ns/read, C {c_into_ns:.0} ns/read, C/Rust = {:.2}",
            c_ns / rust_ns,
            c_into_ns / rust_borrow_ns
        );
    }
    oauth2kit_session_free(session);
    oauth2kit_client_free(client);
    oauth2kit_config_free(cfg);
}
