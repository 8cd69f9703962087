//! The standard endpoints at the server root, one module each.

pub(crate) mod authorize;
pub(crate) mod ciba;
pub(crate) mod device;
pub(crate) mod introspect;
pub(crate) mod jarm;
pub(crate) mod jwks;
pub(crate) mod metadata;
pub(crate) mod par;
pub(crate) mod request_object;
pub(crate) mod resource;
pub(crate) mod revoke;
pub(crate) mod token;
