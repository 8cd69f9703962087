//! What the core logs: one event per HTTP exchange (method, URL without its
//! query, status, time), refreshes and store operations; never a secret. The
//! events are captured by a global subscriber (this file is its own test
//! binary, so nothing else installs one).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::{client, server};
use oauth2kit::session::Session;
use oauth2kit_devserver::clients;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn exchanges_refreshes_and_store_operations_are_logged_without_secrets() {
    let out = Captured::default();
    // The library's own events only: the in-process devserver logs too.
    let only_ours = tracing_subscriber::filter::filter_fn(|m| {
        m.target() == "oauth2kit" || m.target().starts_with("oauth2kit::")
    });
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(out.clone())
            .with_ansi(false)
            .with_filter(only_ours),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let first = c.password("alice", "wonderland", None).await.unwrap();
    let mut expired = first.clone();
    expired.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    let session = Session::builder(c.clone())
        .tokens(expired)
        .start()
        .await
        .unwrap();
    let renewed = session.token().await.unwrap();
    // A request whose query carries a value that must not be logged.
    let probe = url::Url::parse(&format!("{}/token?code=QUERY-SECRET-1", srv.url())).unwrap();
    let _ = c
        .send(oauth2kit::HttpRequest::new(oauth2kit::Method::Get, probe))
        .await;
    session.clear().await.unwrap();

    let log = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let token_url = format!("{}/token", srv.url());
    assert!(log.contains("HTTP exchange"), "{log}");
    assert!(
        log.contains("method=\"POST\"") || log.contains("method=POST"),
        "{log}"
    );
    assert!(log.contains(&token_url), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("elapsed_ms="), "{log}");
    assert!(log.contains("refreshing the session's tokens"), "{log}");
    assert!(log.contains("token store: saved"), "{log}");
    assert!(log.contains("signed out"), "{log}");
    let mut secrets = vec![
        clients::BASIC_CLIENT_SECRET.to_string(),
        "basic%20secret".to_string(),
        "wonderland".to_string(),
        "QUERY-SECRET-1".to_string(),
        first.access_token.expose().to_string(),
        renewed.access_token.expose().to_string(),
    ];
    secrets.extend(first.refresh_token.as_ref().map(|t| t.expose().to_string()));
    secrets.extend(
        renewed
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_string()),
    );
    for s in &secrets {
        assert!(!log.contains(s.as_str()), "secret {s:?} logged:\n{log}");
    }
}
