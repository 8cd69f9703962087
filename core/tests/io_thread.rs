//! The I/O thread of foreign event loops (`blocking::io_handle`): where the
//! Python asyncio and Kotlin/Swift bindings run their requests. One thread
//! drives them all; blocking store work leaves it; `shutdown` stops it and
//! the next use starts a new one.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::{client, server};
use oauth2kit::blocking;
use oauth2kit_devserver::clients;

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_string()
}

// One test: `shutdown` stops the process-wide I/O thread, which a second
// test running in parallel would be using.
#[test]
fn the_io_thread() {
    blocking_store_work_leaves_the_io_thread();
    requests_run_on_one_io_thread_and_shutdown_restarts_it();
}

fn requests_run_on_one_io_thread_and_shutdown_restarts_it() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let (tx, rx) = mpsc::channel();
    let io = blocking::io_handle().unwrap();
    for _ in 0..4 {
        let (c, tx) = (c.clone(), tx.clone());
        io.spawn(async move {
            let before = thread_name();
            let token = c.client_credentials(None).await;
            let _ = tx.send((
                before,
                thread_name(),
                token.map(|t| t.access_token.expose().len()),
            ));
        });
    }
    for _ in 0..4 {
        let (before, after, token) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(
            (before.as_str(), after.as_str()),
            ("oauth2kit-io", "oauth2kit-io")
        );
        assert!(token.unwrap() > 0);
    }
    assert_eq!(srv.count("token"), 4);

    // A task still waiting when the runtime stops is dropped, not left hanging.
    let (held_tx, held_rx) = mpsc::channel::<()>();
    io.spawn(async move {
        let _dropped_with_the_task = held_tx;
        std::future::pending::<()>().await;
    });
    blocking::shutdown(Duration::from_secs(5)).unwrap();
    assert!(matches!(
        held_rx.recv_timeout(Duration::from_secs(30)),
        Err(mpsc::RecvTimeoutError::Disconnected)
    ));

    // The next use starts a new I/O thread.
    let (tx, rx) = mpsc::channel();
    blocking::io_handle().unwrap().spawn(async move {
        let _ = tx.send(c.client_credentials(None).await.is_ok());
    });
    assert!(rx.recv_timeout(Duration::from_secs(30)).unwrap());
}

fn blocking_store_work_leaves_the_io_thread() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let io = blocking::io_handle().unwrap();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel();
    io.spawn(async move {
        let r = oauth2kit::store::off_workers(move || {
            let _ = entered_tx.send(thread_name());
            let _ = release_rx.recv_timeout(Duration::from_secs(60));
            Ok(())
        })
        .await;
        let _ = done_tx.send(r.is_ok());
    });
    let worker = entered_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_ne!(
        worker, "oauth2kit-io",
        "the blocking work ran on the I/O thread"
    );
    // While it blocks, a request on the I/O thread is served.
    let (tx, rx) = mpsc::channel();
    io.spawn(async move {
        let _ = tx.send(c.client_credentials(None).await.is_ok());
    });
    assert!(rx.recv_timeout(Duration::from_secs(30)).unwrap());
    assert!(
        done_rx.try_recv().is_err(),
        "the blocking work is still held"
    );
    release_tx.send(()).unwrap();
    assert!(done_rx.recv_timeout(Duration::from_secs(30)).unwrap());
}
