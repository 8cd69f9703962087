//! # oauth2kit-bind: the one binding layer
//!
//! Between the core (`oauth2kit`) and the language bindings sits this crate.
//! It decides, once for every language:
//!
//! - **what can be configured** — [`options`]: one table of client options
//!   (name, number, value type, default, doc). The C enum, the Kotlin/Swift
//!   configuration record and the C++ setters are *generated* from it; the
//!   Python keywords are checked against it. Values are read and checked here
//!   ([`ClientConfig::set`]), so a bad value gives the same error, with the
//!   same code, in every language.
//! - **what an error looks like** — [`error`]: one [`ErrorRecord`] built from
//!   the core's code table, with fixed units (durations in seconds, as `f64`,
//!   everywhere).
//! - **what each binding exports** — [`manifest`]: the operations and options
//!   with each language's spelling, written to `bind/manifest.json`;
//!   `scripts/parity.py` checks every binding's real exports against it.
//!
//! - **how a session is configured and where it keeps tokens** — [`session`]:
//!   one table of session options (timings, the one grant a session may fetch
//!   with) and [`store`]: one adapter for the stores users write in their own
//!   language (the versioned document as text, callbacks off the async workers).
//!
//! - **where the library's log events go** — [`log`]: one `tracing` layer
//!   and one dispatcher; each binding installs a sink (Python `logging`, a C
//!   callback, a Kotlin/Swift `Logger`).
//! - **how tokens are presented to APIs** — [`resource`]: the headers of one
//!   request (DPoP proofs included) and the server's answer read back.
//! - **how a configuration error's fix is spelled** — [`hint`]: one function
//!   per language from the option's concept name.
//!
//! A binding translates its language's values into [`Value`]s and
//! [`ErrorRecord`]s into its own errors, and decides nothing else.

pub mod error;
pub mod hint;
pub mod log;
pub mod manifest;
pub mod options;
pub mod poll;
pub mod resource;
pub mod session;
pub mod store;

pub use error::ErrorRecord;
pub use options::{ClientConfig, ClientOption, OptionSpec, Value, ValueType};
pub use poll::{PollKind, PollProgress};
pub use session::{JwtBearerSpec, SessionConfig, SessionOption};
pub use store::{ForeignStore, ForeignStoreAdapter};
