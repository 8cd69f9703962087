//! The token session (`oauth2kit::session`): many callers, one renewal
//! (single flight), the change callback that saves rotated tokens, and a
//! file store that a second process would read instead of asking the server.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};

use oauth2kit::session::Session;
use oauth2kit::store::FileStore;
use oauth2kit::{AuthMethod, OAuthClient, blocking};
use oauth2kit_devserver::clients as reg;

use super::{Demo, Shown, StepError};

/// Callers asking at the same moment.
const CALLERS: usize = 8;

pub fn run(demo: &Demo) {
    let url = demo.url();
    demo.section("Token session: always-valid tokens, one renewal for many callers, stores");
    let builder = || {
        OAuthClient::builder(reg::POST_CLIENT_ID)
            .client_secret(reg::POST_CLIENT_SECRET)
            .auth_method(AuthMethod::ClientSecretPost)
            .token_url(format!("{url}/token"))
    };
    let Ok(client) = demo.client(builder()) else {
        return;
    };

    demo.step(
        &format!("{CALLERS} threads ask at once; the token expires in 30 s"),
        || {
            // A token inside the 60 s refresh margin, so the first ask renews it.
            demo.server.set_token_lifetime(30);
            let (user, pw) = reg::USERS[0];
            let first = client.password(user, pw, Some("read"));
            demo.server.set_token_lifetime(3600);
            let first = first?;
            let changes = Arc::new(AtomicU32::new(0));
            let seen = changes.clone();
            let session = blocking::Session::new(
                Session::builder(client.as_async().clone())
                    .tokens(first.clone())
                    .on_change(move |_| {
                        seen.fetch_add(1, Ordering::SeqCst);
                    })
                    .build(),
            );
            let before = demo.server.count("token");
            let barrier = Arc::new(Barrier::new(CALLERS));
            let handles: Vec<_> = (0..CALLERS)
                .map(|_| {
                    let (s, b) = (session.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        b.wait();
                        s.access_token()
                    })
                })
                .collect();
            let mut tokens = Vec::new();
            for h in handles {
                tokens.push(h.join().map_err(|_| StepError::Demo("a caller panicked".into()))??);
            }
            let requests = demo.server.count("token") - before;
            let same = tokens.windows(2).all(|w| w[0] == w[1]);
            let renewed = tokens[0] != first.access_token;
            Ok((requests, changes.load(Ordering::SeqCst), same && renewed))
        },
        |(requests, changes, same)| {
            Shown::check(
                format!("{requests} refresh for {CALLERS} callers, on_change ×{changes}, all got the new token"),
                *requests == 1 && *changes == 1 && *same,
                "expected exactly one refresh, one change notification, one shared new token",
            )
        },
    );

    let dir = std::env::temp_dir().join(format!("oauth2kit-demo-{}", std::process::id()));
    let path = dir.join("tokens.json");
    demo.step(
        "client credentials session saved to a file store",
        || {
            std::fs::create_dir_all(&dir).map_err(|e| StepError::Demo(e.to_string()))?;
            let first = blocking::Session::new(
                Session::builder(client.as_async().clone())
                    .client_credentials(Some("read"))
                    .store(Arc::new(FileStore::new(&path)))
                    .build(),
            );
            let fetched = first.access_token()?;
            // A second process would do this: same file, no request to the server.
            let before = demo.server.count("token");
            let second = blocking::Session::new(
                Session::builder(client.as_async().clone())
                    .client_credentials(Some("read"))
                    .store(Arc::new(FileStore::new(&path)))
                    .build(),
            );
            let loaded = second.access_token()?;
            Ok((fetched == loaded, demo.server.count("token") - before))
        },
        |(same, requests)| {
            Shown::check(
                format!("a second session read it from the file: {requests} requests"),
                *same && *requests == 0,
                "the second session should reuse the stored token",
            )
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}
