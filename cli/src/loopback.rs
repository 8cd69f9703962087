//! The RFC 8252 loopback redirect listener lives in the core
//! (`oauth2kit::loopback`) so every binding can use it; the CLI keeps its name.

pub use oauth2kit::loopback::LoopbackListener as Loopback;
