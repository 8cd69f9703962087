//! Minting, signing and remembering the tokens of the standard endpoints.

pub(crate) mod issue;
pub(crate) mod random;
pub(crate) mod rar;
pub(crate) mod scope;
pub(crate) mod signer;
pub(crate) mod store;
