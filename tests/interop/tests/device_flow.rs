//! Device authorization grant (RFC 8628) against oidc-provider: the user
//! approves (or refuses) on the server's own verification pages in a
//! cookie-jar browser while oauth2kit polls.
//!
//! oidc-provider sends no `interval` (so RFC 8628's default of 5 s applies)
//! and never answers `slow_down`; slow_down handling is tested against the
//! devserver. Most tests use oauth2kit's `ManualClock` so polling does not
//! wait for real; one runs on the real clock with approval racing the poll.
//!
//! Token exchange (RFC 8693), the JWT bearer grant (RFC 7523 §2.1) and the
//! SAML 2.0 bearer grant (RFC 7522) are not here: oidc-provider does not
//! support them out of the box (they would need custom grant handlers
//! written for this test, i.e. our own reading of the RFC again), so they are
//! tested against the devserver, and token exchange also against Keycloak
//! (`tests/keycloak`). CIBA needs a backchannel user authentication hook in
//! oidc-provider; it is tested against the devserver and Keycloak.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use oauth2kit::device::DEFAULT_INTERVAL;
use oauth2kit::{CancelToken, Error, ErrorCode, ManualClock, PollEvent, PollOptions};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

fn manual(clock: &Arc<ManualClock>) -> PollOptions {
    PollOptions {
        clock: Some(clock.clone()),
        ..Default::default()
    }
}

#[test]
fn approved_then_polled_for_every_client_kind() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in Registered::ALL {
        let client = reg.client(&meta)?;
        let auth = client.device_authorization(Some("read"))?;
        assert!(auth.verification_uri.starts_with(peer.issuer()), "{reg:?}");
        assert_eq!(
            auth.interval, DEFAULT_INTERVAL,
            "{reg:?}: no interval from oidc-provider means 5 s"
        );
        assert!(auth.expires_in > Duration::from_secs(60), "{reg:?}");
        // The user types the code by hand on the plain verification page.
        Browser::new()?.approve_device(&auth.verification_uri, &auth.user_code)?;

        let clock = Arc::new(ManualClock::new());
        let tokens = client.poll_device_token(&auth, &manual(&clock))?;
        assert_eq!(
            clock.sleeps(),
            [DEFAULT_INTERVAL],
            "{reg:?}: one wait, then the token"
        );
        assert_eq!(tokens.scope.as_deref(), Some("read"), "{reg:?}");
        assert!(
            client
                .introspect(tokens.access_token.expose(), None)?
                .active,
            "{reg:?}"
        );

        // A device code is spent once used.
        let again = client
            .poll_device_token(&auth, &manual(&Arc::new(ManualClock::new())))
            .unwrap_err();
        assert_eq!(again.code(), ErrorCode::OAuth, "{reg:?}: {again}");
        assert_eq!(
            again.oauth().map(|e| e.error.as_str()),
            Some("invalid_grant"),
            "{reg:?}"
        );
    }
    Ok(())
}

#[test]
fn approval_while_polling_on_the_real_clock() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Public.client(&discover(peer.issuer())?)?;
    let auth = client.device_authorization(Some("read"))?;
    let complete = auth
        .verification_uri_complete
        .clone()
        .expect("oidc-provider sends verification_uri_complete");
    assert!(complete.contains(&auth.user_code));

    // The user starts once the device shows it is waiting (first progress event).
    let (waiting_tx, waiting_rx) = mpsc::channel::<()>();
    let events = Arc::new(Mutex::new(Vec::new()));
    let cancel = CancelToken::new();
    let seen = Arc::clone(&events);
    let waiting_tx = Mutex::new(Some(waiting_tx));
    let opts = PollOptions {
        cancel: cancel.clone(),
        on_event: Some(Arc::new(move |e: &PollEvent| {
            if let Ok(mut v) = seen.lock() {
                v.push(e.clone());
            }
            if let Some(tx) = waiting_tx.lock().ok().and_then(|mut t| t.take()) {
                let _ = tx.send(());
            }
        })),
        ..Default::default()
    };
    let user = std::thread::spawn(move || -> Result<(), HarnessError> {
        waiting_rx
            .recv()
            .map_err(|_| HarnessError::Flow("polling never started".into()))?;
        let result = Browser::new()?.approve_device(&complete, "unused: the URL carries the code");
        // If the user cannot approve, stop the poll instead of letting it run to expiry.
        if result.is_err() {
            cancel.cancel();
        }
        result
    });
    let tokens = client.poll_device_token(&auth, &opts);
    user.join()
        .map_err(|_| HarnessError::Flow("the user thread panicked".into()))??;
    let tokens = tokens?;
    assert!(!tokens.access_token.expose().is_empty());
    assert!(
        tokens.refresh_token.is_some(),
        "server.mjs issues refresh tokens with the device grant"
    );

    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        matches!(events.first(), Some(PollEvent::Waiting { attempt: 1, interval, .. }) if *interval == DEFAULT_INTERVAL),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, PollEvent::SlowDown { .. })),
        "oidc-provider never asks to slow down"
    );
    Ok(())
}

#[test]
fn nobody_approves_so_it_expires() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;
    let auth = client.device_authorization(None)?;
    let clock = Arc::new(ManualClock::new());
    // Every poll is answered authorization_pending until the deadline passes
    // on the virtual clock; any other answer would end the loop early.
    let err = client
        .poll_device_token(&auth, &manual(&clock))
        .unwrap_err();
    assert!(matches!(err, Error::Expired), "{err:?}");
    let sleeps = clock.sleeps();
    assert!(sleeps.iter().all(|d| *d == DEFAULT_INTERVAL), "{sleeps:?}");
    assert_eq!(
        sleeps.len() as u64,
        auth.expires_in.as_secs() / DEFAULT_INTERVAL.as_secs(),
        "{sleeps:?}"
    );
    Ok(())
}

#[test]
fn the_user_refuses() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Post.client(&discover(peer.issuer())?)?;
    let auth = client.device_authorization(Some("read"))?;
    Browser::new()?.deny_device(&auth.verification_uri, &auth.user_code)?;
    let err = client
        .poll_device_token(&auth, &manual(&Arc::new(ManualClock::new())))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OAuth, "{err}");
    assert_eq!(
        err.oauth().map(|e| e.error.as_str()),
        Some("access_denied"),
        "{err}"
    );
    Ok(())
}

#[test]
fn cancelled_from_another_thread() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;
    let auth = client.device_authorization(None)?;
    let opts = PollOptions::default();
    let cancel = opts.cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        cancel.cancel();
    });
    let err = client.poll_device_token(&auth, &opts).unwrap_err();
    let _ = canceller.join();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    Ok(())
}

#[test]
fn a_wrong_user_code_is_refused_by_the_page() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;
    let auth = client.device_authorization(None)?;
    let err = Browser::new()?
        .approve_device(&auth.verification_uri, "BCDF-GHJK")
        .unwrap_err();
    assert!(err.to_string().contains("incorrect"), "{err}");
    Ok(())
}

/// Basic auth and no scope make an empty form body: it must go out with
/// `Content-Length: 0`, or oidc-provider refuses it ("only
/// application/x-www-form-urlencoded content-type bodies are supported").
#[test]
fn device_authorization_with_basic_auth_and_no_scope() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let client = oauth2kit::blocking::Client::new(
        oauth2kit::OAuthClient::builder(Registered::Basic.client_id())
            .metadata(meta)
            .auth_method(Registered::Basic.auth_method())
            .client_secret(Registered::Basic.secret().unwrap())
            .build()?,
    )?;
    let auth = client.device_authorization(None)?;
    assert!(auth.verification_uri.starts_with(peer.issuer()));
    assert!(!auth.user_code.is_empty());
    Ok(())
}
