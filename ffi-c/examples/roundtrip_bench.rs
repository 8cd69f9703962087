//! Client-credentials round trips through the C ABI
//! (`oauth2kit_client_client_credentials` + `oauth2kit_token_set_free`) and
//! through the Rust `blocking::Client`, side by side in one process, against
//! a devserver over HTTP and, when given, over HTTPS. Prints medians and the
//! C/Rust and HTTPS/HTTP ratios.
//!
//!   cargo run --release -p oauth2kit-ffi --example roundtrip_bench -- HTTP_URL [HTTPS_URL CA_PEM_FILE]
//!
//! (`oauth2kit-devserver --tls-ca-out ca.pem` serves the HTTPS one.) Both
//! contenders use client_secret_basic against the same canned-or-issuing
//! server and keep their connection; they run interleaved in batches of 50.

use std::ffi::CString;
use std::hint::black_box;
use std::time::{Duration, Instant};

use oauth2kit_ffi::*;

const SAMPLES: usize = 2000;
const BATCH: usize = 50;

fn c_client(base: &str, ca_pem: Option<&str>) -> *mut oauth2kit_client {
    let text = |s: &str| CString::new(s).expect("no NUL");
    let mut cfg = std::ptr::null_mut();
    let id = text("basic-client");
    assert_eq!(
        oauth2kit_config_new(id.as_ptr(), &mut cfg),
        oauth2kit_status::Ok
    );
    let set = |option: oauth2kit_option, value: &str| {
        let v = text(value);
        assert_eq!(
            oauth2kit_config_set(cfg, option as i32, v.as_ptr()),
            oauth2kit_status::Ok
        );
    };
    set(oauth2kit_option::ClientSecret, "basic secret+/&=:%");
    set(oauth2kit_option::TokenUrl, &format!("{base}/token"));
    if let Some(pem) = ca_pem {
        set(oauth2kit_option::CaCertificatesPem, pem);
    }
    let mut client = std::ptr::null_mut();
    assert_eq!(oauth2kit_client_new(cfg, &mut client), oauth2kit_status::Ok);
    oauth2kit_config_free(cfg);
    client
}

fn rust_client(base: &str, ca_pem: Option<&str>) -> oauth2kit::blocking::Client {
    let mut options = oauth2kit::HttpOptions::default();
    options
        .extra_root_certificates_pem
        .extend(ca_pem.map(str::to_string));
    oauth2kit::blocking::Client::with_options(
        oauth2kit::OAuthClient::builder("basic-client")
            .client_secret("basic secret+/&=:%")
            .token_url(format!("{base}/token"))
            .build()
            .expect("client"),
        options,
    )
    .expect("client")
}

fn median_us(mut t: Vec<Duration>) -> f64 {
    t.sort();
    t[t.len() / 2].as_secs_f64() * 1e6
}

/// (C median µs, Rust median µs) against `base`.
fn run(base: &str, ca_pem: Option<&str>) -> (f64, f64) {
    let c = c_client(base, ca_pem);
    let rust = rust_client(base, ca_pem);
    let c_once = || {
        let mut out = std::ptr::null_mut();
        let st = oauth2kit_client_client_credentials(black_box(c), std::ptr::null(), &mut out);
        assert_eq!(st, oauth2kit_status::Ok);
        oauth2kit_token_set_free(out);
    };
    let rust_once = || {
        black_box(rust.client_credentials(None).expect("token"));
    };
    for _ in 0..100 {
        c_once();
        rust_once();
    }
    let (mut ct, mut rt) = (Vec::new(), Vec::new());
    for round in 0..SAMPLES / BATCH {
        for k in 0..2 {
            for _ in 0..BATCH {
                let start = Instant::now();
                if (round + k) % 2 == 0 {
                    c_once();
                    ct.push(start.elapsed());
                } else {
                    rust_once();
                    rt.push(start.elapsed());
                }
            }
        }
    }
    oauth2kit_client_free(c);
    (median_us(ct), median_us(rt))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let http = args
        .next()
        .expect("usage: roundtrip_bench HTTP_URL [HTTPS_URL CA_PEM_FILE]");
    let https = args.next();
    let ca = args
        .next()
        .map(|path| std::fs::read_to_string(&path).expect("the CA file"));
    println!("client_credentials round trips, C ABI and Rust blocking, {SAMPLES} each, medians");
    let (c, r) = run(&http, None);
    println!("HTTP : C {c:.1} µs, Rust {r:.1} µs, C/Rust = {:.3}", c / r);
    if let Some(https) = https {
        let (tc, tr) = run(&https, ca.as_deref());
        println!(
            "HTTPS: C {tc:.1} µs, Rust {tr:.1} µs, C/Rust = {:.3}",
            tc / tr
        );
        println!("HTTPS/HTTP: C {:.2}×, Rust {:.2}×", tc / c, tr / r);
    }
}
