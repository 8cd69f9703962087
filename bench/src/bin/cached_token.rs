//! A cached, valid token read through the session, against a plain `RwLock`
//! read as the floor: nanoseconds per call, single-threaded and with 8 threads,
//! in one run. `cargo run --release -p oauth2kit-bench --bin cached_token`

use std::hint::black_box;
use std::sync::{Arc, Barrier, RwLock};
use std::time::{Duration, Instant, SystemTime};

use oauth2kit::session::Session;
use oauth2kit::{OAuthClient, TokenSet};

const ITERS: u64 = 2_000_000;

/// One way of reading the cached token.
type Case = (&'static str, Arc<dyn Fn() + Send + Sync>);
const ROUNDS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Wall-clock ns per call of `f` when `threads` threads call it at once:
/// (time from the start signal until the last thread is done) / (all calls).
/// With more threads than cores this is the aggregate cost, contention included
/// (per-thread timings would mostly measure the scheduler). Median of rounds.
fn measure(threads: usize, f: Arc<dyn Fn() + Send + Sync>) -> f64 {
    let rounds = (0..ROUNDS)
        .map(|_| {
            let barrier = Arc::new(Barrier::new(threads + 1));
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let (f, b) = (f.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        b.wait();
                        for _ in 0..ITERS {
                            f();
                        }
                    })
                })
                .collect();
            barrier.wait();
            let start = Instant::now();
            for h in handles {
                let _ = h.join();
            }
            start.elapsed().as_nanos() as f64 / (ITERS as f64 * threads as f64)
        })
        .collect();
    median(rounds)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut tokens = TokenSet::bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
    tokens.expires_at = Some(SystemTime::now() + Duration::from_secs(3600));

    let floor = Arc::new(RwLock::new(Arc::new(tokens.clone())));
    let oauth = OAuthClient::builder("bench")
        .token_url("http://127.0.0.1:9/token")
        .build()?;
    let client = oauth2kit::blocking::Client::new(oauth)?;
    let session = Session::builder(client.as_async().clone())
        .tokens(tokens)
        .build();
    let blocking = oauth2kit::blocking::Session::new(session.clone());
    assert!(session.cached().is_some());

    let cases: Vec<Case> = vec![
        ("RwLock<Arc<TokenSet>> read (floor)", {
            let f = floor.clone();
            Arc::new(move || {
                let t = f.read().map(|g| g.clone()).ok();
                black_box(t);
            })
        }),
        ("Session::cached()", {
            let s = session.clone();
            Arc::new(move || {
                black_box(s.cached());
            })
        }),
        ("blocking::Session::token()", {
            let s = blocking.clone();
            Arc::new(move || {
                black_box(s.token().ok());
            })
        }),
        ("blocking::Session::access_token() (clones the string)", {
            let s = blocking.clone();
            Arc::new(move || {
                black_box(s.access_token().ok());
            })
        }),
    ];

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "cached token read, ns per call (median of {ROUNDS} rounds of {ITERS} calls per thread; {cores} cores)"
    );
    println!(
        "{:<55} {:>10} {:>10} {:>10} {:>10}",
        "", "1 thread", "ratio", "8 threads", "ratio"
    );
    let mut floors = (0.0, 0.0);
    for (i, (name, f)) in cases.into_iter().enumerate() {
        let one = measure(1, f.clone());
        let eight = measure(8, f);
        if i == 0 {
            floors = (one, eight);
        }
        println!(
            "{name:<55} {one:>10.1} {:>9.2}x {eight:>10.1} {:>9.2}x",
            one / floors.0,
            eight / floors.1
        );
    }
    Ok(())
}
