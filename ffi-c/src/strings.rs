//! Strings handed to C, and their release.

use std::ffi::{CString, c_char};

use zeroize::Zeroize;

use crate::error::Fail;

/// A new C string owned by the caller (freed by `oauth2kit_string_free`).
/// Text with an interior NUL cannot be represented in C and is refused.
pub(crate) fn new_c_string(s: &str) -> Result<*mut c_char, Fail> {
    CString::new(s).map(CString::into_raw).map_err(|_| {
        Fail::invalid("the value contains a NUL byte and cannot be returned as a C string")
    })
}

/// An optional value as a C string: absent becomes NULL.
pub(crate) fn new_opt_c_string(s: Option<&str>) -> Result<*mut c_char, Fail> {
    s.map_or(Ok(std::ptr::null_mut()), new_c_string)
}

/// Releases a string returned by this library. NULL is a no-op. The memory is
/// overwritten with zeros first, because such strings are often tokens.
///
/// Ownership: `s` must come from this library (never from `malloc`) and must not
/// be used afterwards. Thread safety: any thread may free any string it owns.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    crate::guard::guard_void(|| {
        // SAFETY: per the contract, `s` came from `CString::into_raw` in this library.
        let owned = unsafe { CString::from_raw(s) };
        let mut bytes = owned.into_bytes_with_nul();
        bytes.zeroize();
    });
}

/// The library version, e.g. `"0.1.0"`. Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
