//! A real loopback OAuth 2.0 authorization server for oauth2kit's test suites and demo.
//!
//! It shares no code with the `oauth2kit` client on purpose: a server built from the
//! client's own code would agree with the client's mistakes. Everything here is written
//! from the RFCs (and, under `/deskera-v1/`, `/deskera-v2/`, `/desko/` and `/generic/`,
//! from the providers' own documents) and is strict: a request in the wrong shape gets
//! the error a real server would send.
//!
//! ```no_run
//! let server = oauth2kit_devserver::DevServer::spawn().expect("bind");
//! println!("issuer: {}", server.url());
//! assert_eq!(server.count("token"), 0);
//! ```
//!
//! `README.md` beside this crate documents every endpoint, client, user, key and the
//! control API (which other languages use over HTTP).

#![deny(unsafe_code)]

mod app;
mod auth;
pub mod clients;
mod clock;
mod control;
mod dialects;
mod endpoints;
mod grants;
mod http;
pub mod keys;
mod monitor;
mod server;
mod settings;
mod tls;
mod tokens;

pub use endpoints::jarm::Corruption as JarmCorruption;
pub use monitor::{ENDPOINTS, Fault};
pub use server::DevServer;
pub use tls::ThrowawayTls;
pub use tokens::signer::{IdTokenAlg, ROTATED_KID};
