//! Who is asking, and may they: client authentication, JWT assertions, TLS client
//! certificates, PKCE and redirect-URI matching.

pub(crate) mod assertion;
pub(crate) mod client_auth;
pub(crate) mod dpop;
pub(crate) mod mtls;
pub(crate) mod pkce;
pub(crate) mod redirect;
