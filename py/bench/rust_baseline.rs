//! The Rust blocking client on the same loop as `bench.py`: sequential
//! client_credentials fetches against the devserver, printed as one JSON line.
//! Run by bench.py: `cargo run --release -q -p oauth2kit-py --example rust_baseline -- URL N`.

use std::time::Instant;

use oauth2kit::{AuthMethod, HttpOptions, OAuthClient, blocking};

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() -> oauth2kit::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let oauth = OAuthClient::builder("post-client")
        .client_secret("post-secret")
        .auth_method(AuthMethod::ClientSecretPost)
        .token_url(format!("{url}/token"))
        .build()?;
    // Optional: `--concurrency N` (throughput with N tasks), `--ca PATH` (trust
    // the HTTPS devserver's throw-away CA).
    let (mut callers, mut options) = (None, HttpOptions::default());
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--concurrency" => callers = args.next().and_then(|s| s.parse().ok()),
            "--ca" => {
                let path = args.next().unwrap_or_default();
                let pem = std::fs::read_to_string(&path)
                    .map_err(|e| oauth2kit::Error::Config(format!("cannot read {path}: {e}")))?;
                options.extra_root_certificates_pem.push(pem);
            }
            other => {
                return Err(oauth2kit::Error::Config(format!(
                    "unknown argument {other}"
                )));
            }
        }
    }
    if let Some(callers) = callers {
        return concurrency(oauth, options, n, callers);
    }
    let client = blocking::Client::with_options(oauth, options)?;
    for _ in 0..50 {
        client.client_credentials(None)?;
    }
    // Timed in CHUNKS slices like bench.py; the best slice is reported.
    const CHUNKS: u32 = 5;
    let per = (n / CHUNKS).max(1);
    let mut slices = Vec::new();
    for _ in 0..CHUNKS {
        let start = Instant::now();
        for _ in 0..per {
            client.client_credentials(None)?;
        }
        slices.push(start.elapsed().as_secs_f64());
    }
    let best = slices.iter().copied().fold(f64::INFINITY, f64::min) / f64::from(per);
    let mean = slices.iter().sum::<f64>() / f64::from(per * CHUNKS);
    let slices_us: Vec<String> = slices
        .iter()
        .map(|t| format!("{}", t / f64::from(per) * 1e6))
        .collect();
    println!(
        "{{\"lib\": \"rust-blocking\", \"n\": {n}, \"us_per_call\": {}, \"us_per_call_mean\": {}, \"rps\": {}, \"slices_us\": [{}], \"peak_rss_kb\": {}}}",
        best * 1e6,
        mean * 1e6,
        1.0 / best,
        slices_us.join(", "),
        peak_rss_kb()
    );
    Ok(())
}

/// `n` fetches shared by `callers` tasks of the async client on the shared
/// (2-worker) runtime; prints requests per second as one JSON line.
fn concurrency(
    oauth: OAuthClient,
    options: HttpOptions,
    n: u32,
    callers: u32,
) -> oauth2kit::Result<()> {
    let rt = blocking::handle()?;
    let client = {
        let _guard = rt.enter();
        oauth2kit::Client::with_options(oauth, options)?
    };
    let per = (n / callers.max(1)).max(1);
    let elapsed = rt.block_on(async move {
        for _ in 0..20 {
            client.client_credentials(None).await?;
        }
        let start = Instant::now();
        let tasks: Vec<_> = (0..callers)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move {
                    for _ in 0..per {
                        c.client_credentials(None).await?;
                    }
                    Ok::<(), oauth2kit::Error>(())
                })
            })
            .collect();
        for t in tasks {
            t.await
                .map_err(|e| oauth2kit::Error::Runtime(e.to_string()))??;
        }
        Ok::<_, oauth2kit::Error>(start.elapsed().as_secs_f64())
    })?;
    println!(
        "{{\"lib\": \"rust-async\", \"callers\": {callers}, \"rps\": {}}}",
        f64::from(per * callers) / elapsed
    );
    Ok(())
}
