//! `oauth2kit-devserver [--port N] [--host 127.0.0.1] [--exit-on-stdin-eof] [--tls-ca-out PATH]
//! [--tls-client-cert-out DIR]`
//!
//! With `--tls-ca-out PATH` it serves HTTPS with a certificate from a
//! throw-away CA made at start, whose certificate (PEM) it writes to PATH
//! before printing its `https://` URL. With `--tls-client-cert-out DIR` as
//! well, it writes the PEM files of mutual TLS there: the CA, its own
//! certificate and key (for another server to reuse), and the mutual-TLS
//! clients' certificates and keys (`mtls-client.crt.pem`/`.key.pem`, issued
//! by that CA, and `self-signed-client.crt.pem`/`.key.pem`).
//!
//! Prints its base URL as the first line of stdout, then serves until SIGTERM/SIGINT
//! (or, with `--exit-on-stdin-eof`, until its standard input closes — so a parent test
//! process that dies without cleaning up still takes the server down with it).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use oauth2kit_devserver::{DevServer, ThrowawayTls};

const USAGE: &str = "usage: oauth2kit-devserver [--port N] [--host ADDR] [--exit-on-stdin-eof] \
                     [--tls-ca-out PATH] [--tls-client-cert-out DIR]";

#[derive(Debug)]
struct Args {
    host: IpAddr,
    port: u16,
    exit_on_stdin_eof: bool,
    tls_ca_out: Option<std::path::PathBuf>,
    tls_client_cert_out: Option<std::path::PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 0,
        exit_on_stdin_eof: false,
        tls_ca_out: None,
        tls_client_cert_out: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" | "-p" => {
                let v = value("--port")?;
                parsed.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--host" => {
                let v = value("--host")?;
                parsed.host = v
                    .parse()
                    .map_err(|_| format!("bad host {v:?} (an IP address)"))?;
            }
            "--exit-on-stdin-eof" => parsed.exit_on_stdin_eof = true,
            "--tls-ca-out" => parsed.tls_ca_out = Some(value("--tls-ca-out")?.into()),
            "--tls-client-cert-out" => {
                parsed.tls_client_cert_out = Some(value("--tls-client-cert-out")?.into());
            }
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if parsed.tls_client_cert_out.is_some() && parsed.tls_ca_out.is_none() {
        return Err(format!(
            "--tls-client-cert-out needs --tls-ca-out (HTTPS)\n{USAGE}"
        ));
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let started = match &args.tls_ca_out {
        None => DevServer::spawn_on(addr),
        Some(path) => ThrowawayTls::generate().and_then(|tls| {
            std::fs::write(path, &tls.ca_pem)?;
            if let Some(dir) = &args.tls_client_cert_out {
                tls.write_pem_files(dir)?;
            }
            DevServer::spawn_tls_on(addr, &tls)
        }),
    };
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "oauth2kit-devserver: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    // The first line is the contract with parent processes: exactly the base URL.
    if writeln!(stdout, "{}", server.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oauth2kit-devserver: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(wait_for_stop(args.exit_on_stdin_eof));
    drop(server);
    ExitCode::SUCCESS
}

async fn wait_for_stop(exit_on_stdin_eof: bool) {
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate() => {}
        _ = stdin_eof(), if exit_on_stdin_eof => {}
    }
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut sigterm) => {
            sigterm.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending::<()>().await
}

async fn stdin_eof() {
    use tokio::io::AsyncReadExt;
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stdin.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags() {
        let a = parse(&["--port", "8080", "--host=0.0.0.0", "--exit-on-stdin-eof"]).expect("valid");
        assert_eq!(
            (a.port, a.host.to_string().as_str(), a.exit_on_stdin_eof),
            (8080, "0.0.0.0", true)
        );
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--tls-client-cert-out", "/tmp/x"]).is_err());
        let a = parse(&[
            "--tls-ca-out",
            "/tmp/ca.pem",
            "--tls-client-cert-out=/tmp/x",
        ])
        .unwrap();
        assert_eq!(a.tls_client_cert_out.unwrap().to_str(), Some("/tmp/x"));
    }
}
