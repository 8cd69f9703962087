//! Client-credentials round trips on loopback against one in-process devserver,
//! side by side in one run: oauth2kit's async `Client`, oauth2-rs 5 (reqwest
//! 0.12), and a hand-built reqwest POST (without and with oauth2kit's default timeouts). Prints medians (µs) and ratios.
//!
//! Two server modes:
//! - `full`: the real grant — the devserver checks the client and signs an
//!   RS256 access token per request (server time dominates, as in life);
//! - `canned`: the devserver answers every token request with one fixed 200
//!   JSON body (a fault injected with `times = u32::MAX`), which isolates what
//!   the clients themselves cost.
//!
//! Each mode runs twice: over plain HTTP and over HTTPS (TLS 1.3, rustls,
//! the devserver's throw-away CA trusted by every contender). Every contender
//! keeps its connection, so a TLS handshake per request would show as a
//! median far above the HTTP one, and the server's count of accepted
//! connections, printed after each run, proves reuse.
//!
//! Contenders run interleaved in small batches, in rotating order, so drift
//! (CPU frequency, the other engineers' builds) spreads over all of them.
//!
//! `cargo run --release -p oauth2kit-bench --bin roundtrip [-- --samples N]`

use std::time::{Duration, Instant};

use oauth2kit_bench::{
    CANNED_TOKEN_RESPONSE, OAuth2Rs, Raw, oauth2kit_client, oauth2kit_once, percentiles,
};
use oauth2kit_devserver::{DevServer, Fault, ThrowawayTls};

const WARMUP: usize = 200;
const BATCH: usize = 50;
const NAMES: [&str; 4] = ["oauth2kit", "oauth2-rs", "raw reqwest", "raw+timeouts"];
const N: usize = NAMES.len();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let samples: usize = std::env::args()
        .skip_while(|a| a != "--samples")
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(3000);
    // The clients share one current-thread runtime: the same scheduler for all.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tls = ThrowawayTls::generate()?;
    println!("client_credentials round trips, loopback, in-process devserver");
    println!("{samples} timed requests per contender and mode, after {WARMUP} warm-up requests\n");
    let mut medians = Vec::new();
    for transport in ["http", "https"] {
        let (server, ca) = match transport {
            "http" => (DevServer::spawn()?, None),
            _ => (DevServer::spawn_tls(&tls)?, Some(tls.ca_pem.as_str())),
        };
        let token_url = format!("{}/token", server.url());
        let kit = oauth2kit_client(&token_url, ca)?;
        let o2 = OAuth2Rs::new(&token_url, ca)?;
        let raw = Raw::new(&token_url, ca)?;
        let raw_t = Raw::with_timeouts(&token_url, ca)?;
        for mode in ["full", "canned"] {
            if mode == "canned" {
                server.inject(Fault {
                    endpoint: "token".into(),
                    status: 200,
                    body: CANNED_TOKEN_RESPONSE.into(),
                    content_type: "application/json".into(),
                    times: u32::MAX,
                    ..Default::default()
                });
            }
            let mut times: [Vec<Duration>; N] = Default::default();
            rt.block_on(async {
                // Warm-up doubles as the correctness check: every contender must get a token.
                for _ in 0..WARMUP {
                    oauth2kit_once(&kit).await?;
                    o2.once().await?;
                    raw.once().await?;
                    raw_t.once().await?;
                }
                let rounds = samples.div_ceil(BATCH);
                for round in 0..rounds {
                    for k in 0..N {
                        let who = (round + k) % N;
                        for _ in 0..BATCH {
                            let start = Instant::now();
                            let token = match who {
                                0 => oauth2kit_once(&kit).await?,
                                1 => o2.once().await?,
                                2 => raw.once().await?,
                                _ => raw_t.once().await?,
                            };
                            times[who].push(start.elapsed());
                            std::hint::black_box(token);
                        }
                    }
                }
                Ok::<(), String>(())
            })?;
            let label = format!("{mode} {transport}");
            medians.push((label.clone(), report(&label, &mut times)));
            println!(
                "  connections accepted by the server so far: {} (4 contenders)\n",
                server.connections()
            );
            server.clear_faults();
        }
    }
    println!("HTTPS against HTTP, per contender (medians):");
    for mode in ["full", "canned"] {
        let http = &medians
            .iter()
            .find(|(l, _)| *l == format!("{mode} http"))
            .unwrap()
            .1;
        let https = &medians
            .iter()
            .find(|(l, _)| *l == format!("{mode} https"))
            .unwrap()
            .1;
        let ratios: Vec<String> = NAMES
            .iter()
            .zip(http.iter().zip(https))
            .map(|(n, (a, b))| format!("{n} {:.2}×", b / a))
            .collect();
        println!("  {mode:<7} {}", ratios.join("   "));
    }
    Ok(())
}

fn report(mode: &str, times: &mut [Vec<Duration>; N]) -> Vec<f64> {
    let stats: Vec<(f64, f64, f64)> = times.iter_mut().map(|t| percentiles(t)).collect();
    println!("mode {mode}: median µs (p10–p90)");
    for (name, (med, p10, p90)) in NAMES.iter().zip(&stats) {
        println!("  {name:<12} {med:>8.1}   ({p10:.1}–{p90:.1})");
    }
    let (kit, o2, raw, raw_t) = (stats[0].0, stats[1].0, stats[2].0, stats[3].0);
    println!(
        "  ratio oauth2kit/raw reqwest = {:.3}   oauth2kit/oauth2-rs = {:.3}   oauth2kit/raw+timeouts = {:.3}\n",
        kit / raw,
        kit / o2,
        kit / raw_t
    );
    stats.iter().map(|s| s.0).collect()
}
