//! Who is asking, and may they: client authentication, JWT assertions, PKCE and
//! redirect-URI matching.

pub(crate) mod assertion;
pub(crate) mod client_auth;
pub(crate) mod dpop;
pub(crate) mod pkce;
pub(crate) mod redirect;
