//! Criterion micro-benchmarks of the sans-IO work, side by side with oauth2-rs:
//! building a client-credentials request, parsing a token response, and both
//! together (oauth2-rs exposes no separate "build" step, so its request is
//! measured through a closure HTTP client that answers a canned response).
//!
//! `cargo bench -p oauth2kit-bench --bench micro`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oauth2kit::{Grant, HttpResponse, OAuthClient};
use oauth2kit_bench::{CANNED_TOKEN_RESPONSE, CLIENT_ID, CLIENT_SECRET, SCOPE};

const TOKEN_URL: &str = "https://as.example/token";

fn kit() -> OAuthClient {
    OAuthClient::builder(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .token_url(TOKEN_URL)
        .build()
        .expect("valid configuration")
}

type O2Client = oauth2::basic::BasicClient<
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn o2() -> O2Client {
    oauth2::basic::BasicClient::new(oauth2::ClientId::new(CLIENT_ID.into()))
        .set_client_secret(oauth2::ClientSecret::new(CLIENT_SECRET.into()))
        .set_token_uri(oauth2::TokenUrl::new(TOKEN_URL.into()).expect("valid URL"))
}

fn canned_http(req: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, std::convert::Infallible> {
    black_box(req);
    Ok(oauth2::http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(CANNED_TOKEN_RESPONSE.as_bytes().to_vec())
        .expect("valid response"))
}

fn micro(c: &mut Criterion) {
    let kit = kit();
    let o2 = o2();
    let grant = Grant::client_credentials(Some(SCOPE));
    let resp = HttpResponse::json(200, CANNED_TOKEN_RESPONSE);
    // Sanity: both sides understand the canned answer before anything is timed.
    assert!(kit.parse_token_response(&grant, &resp).is_ok());

    let mut g = c.benchmark_group("build_request");
    g.bench_function("oauth2kit token_request", |b| {
        b.iter(|| kit.token_request(black_box(&grant)))
    });
    g.finish();

    let mut g = c.benchmark_group("parse_response");
    g.bench_function("oauth2kit parse_token_response", |b| {
        b.iter(|| {
            oauth2kit::token::parse_token_response(black_box(&resp), kit.token_parsing(false))
        })
    });
    // What oauth2-rs does with a body: serde into its standard token response.
    g.bench_function("oauth2-rs BasicTokenResponse (serde_json)", |b| {
        b.iter(|| {
            serde_json::from_slice::<oauth2::basic::BasicTokenResponse>(black_box(
                CANNED_TOKEN_RESPONSE.as_bytes(),
            ))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("build_and_parse");
    g.bench_function("oauth2kit", |b| {
        b.iter(|| {
            let req = kit.token_request(black_box(&grant));
            black_box(req).ok();
            kit.parse_token_response(&grant, black_box(&resp))
        })
    });
    g.bench_function("oauth2-rs (closure client)", |b| {
        b.iter(|| {
            o2.exchange_client_credentials()
                .add_scope(oauth2::Scope::new(SCOPE.into()))
                .request(&canned_http)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // Short runs: the whole bench stays well under two minutes.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(50);
    targets = micro
}
criterion_main!(benches);
