//! The types of enum parameters, as Rust receives them.
//!
//! The header declares these parameters with their enum types
//! (`oauth2kit_option option`, …; cbindgen renames each alias below to its
//! enum and leaves the alias itself out, see `ffi-c/cbindgen.toml`), so a C
//! or C++ caller sees which constants belong there, and C++ refuses a bare
//! integer. Rust receives a plain `i32`: a C caller may still pass any value
//! (C enums are integers), and an out-of-range value in a parameter of a Rust
//! enum type would be undefined behaviour. Each function checks the value
//! and answers an unknown one with a typed status.
//!
//! The two agree at the ABI: a C enum whose constants fit in `int` is passed
//! as a 32-bit integer on every platform the library builds for; the header
//! checks the size of each enum at compile time (its trailer).

/// An `oauth2kit_option`, checked by `oauth2kit_config_set`.
pub type oauth2kit_option_arg = i32;
/// An `oauth2kit_session_option`, checked by `oauth2kit_session_config_set`.
pub type oauth2kit_session_option_arg = i32;
/// An `oauth2kit_token_hint`, checked by introspection and revocation.
pub type oauth2kit_token_hint_arg = i32;
/// An `oauth2kit_log_level`; out-of-range levels are clamped to the nearest.
pub type oauth2kit_log_level_arg = i32;
