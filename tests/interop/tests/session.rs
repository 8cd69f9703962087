//! `oauth2kit::session::Session` against oidc-provider. This server is a
//! strict judge of single-flight refresh: it rotates a public client's
//! refresh token on every use, and a rotated (already used) refresh token
//! presented again is refused — and revokes the whole grant. So if two
//! renewals raced with the same refresh token, one would fail here; and if
//! the session lost the rotated token, the next renewal would fail.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use oauth2kit::session::Session;
use oauth2kit::store::FileStore;
use oauth2kit::{AuthorizeOptions, Client, ErrorCode, TokenSet};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

fn runtime() -> Result<tokio::runtime::Runtime, HarnessError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| HarnessError::Setup(e.to_string()))
}

/// Tokens of the public client from a real login (blocking API, outside any runtime).
fn signed_in(meta: &oauth2kit::ServerMetadata) -> Result<TokenSet, HarnessError> {
    let client = Registered::Public.client(meta)?;
    let request = client.authorization_url(AuthorizeOptions::default())?;
    Ok(client.exchange_redirect(
        &request.pending,
        &Browser::new()?.authorize(request.url.as_str())?,
    )?)
}

#[test]
fn concurrent_callers_share_one_refresh_and_rotation_is_kept() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let mut tokens = signed_in(&meta)?;
    let first_refresh = tokens.refresh_token.clone().expect("a refresh token");
    let first_access = tokens.access_token.expose().to_string();
    // Pretend the access token has expired, so the session must refresh.
    tokens.expires_at = Some(SystemTime::now() - Duration::from_secs(1));

    let dir = std::env::temp_dir().join(format!("oauth2kit-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| HarnessError::Setup(e.to_string()))?;
    let path = dir.join("session.json");
    let _ = std::fs::remove_file(&path);

    let rt = runtime()?;
    let result: Result<(), HarnessError> = rt.block_on(async {
        let client = Client::new(Registered::Public.builder(&meta)?.build()?)?;
        let changes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&changes);
        let session = Session::builder(client.clone())
            .store(Arc::new(FileStore::new(&path)))
            .tokens(tokens)
            .on_change(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .build();

        let callers: Vec<_> = (0..16)
            .map(|_| {
                let s = session.clone();
                tokio::spawn(async move { s.access_token().await })
            })
            .collect();
        let mut seen = Vec::new();
        for c in callers {
            let token = c.await.map_err(|e| HarnessError::Flow(e.to_string()))??;
            seen.push(token.expose().to_string());
        }
        seen.dedup();
        assert_eq!(seen.len(), 1, "every caller got the same renewed token");
        assert_ne!(seen[0], first_access, "it was renewed");
        assert_eq!(
            changes.load(Ordering::SeqCst),
            1,
            "one renewal, one change notification"
        );
        assert!(client.introspect(&seen[0], None).await?.active);

        // The rotated refresh token was kept: another renewal works.
        session.invalidate();
        let third = session.access_token().await?;
        assert_ne!(third.expose(), seen[0]);
        assert_eq!(changes.load(Ordering::SeqCst), 2);

        // A second session reading the same file continues from the latest tokens.
        let reopened = Session::builder(client.clone())
            .store(Arc::new(FileStore::new(&path)))
            .build();
        assert_eq!(reopened.access_token().await?.expose(), third.expose());

        // And the refresh token spent first is refused by the server (rotation is real).
        let err = client.refresh(&first_refresh, None).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::ReauthorizationRequired, "{err}");
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[test]
fn client_credentials_session_fetches_once_for_many_callers() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let rt = runtime()?;
    rt.block_on(async {
        let client = Client::new(Registered::SecretJwt.builder(&meta)?.build()?)?;
        let changes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&changes);
        let session = Session::builder(client.clone())
            .client_credentials(Some("read"))
            .on_change(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .build();
        let callers: Vec<_> = (0..16)
            .map(|_| {
                let s = session.clone();
                tokio::spawn(async move { s.authorization_header().await })
            })
            .collect();
        let mut headers = Vec::new();
        for c in callers {
            headers.push(c.await.map_err(|e| HarnessError::Flow(e.to_string()))??);
        }
        headers.dedup();
        assert_eq!(headers.len(), 1, "one token for everyone");
        assert_eq!(changes.load(Ordering::SeqCst), 1);
        let (name, value) = &headers[0];
        assert_eq!(name, "Authorization");
        let token = value.strip_prefix("Bearer ").expect("a bearer header");
        assert!(client.introspect(token, None).await?.active);
        Ok(())
    })
}
