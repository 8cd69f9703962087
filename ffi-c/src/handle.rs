//! Opaque handles: a Rust value behind a tag, so that a handle of the wrong
//! type (a cast gone wrong in C) is detected and reported instead of being
//! used. A freed handle cannot be detected reliably: using one is undefined
//! behaviour, as the header says.

use std::ffi::{CStr, c_char};

use crate::error::{Fail, oauth2kit_status};

/// Layout shared by every handle: the tag first, at offset 0, so it can be read
/// before the type is known.
#[repr(C)]
struct Tagged<T> {
    tag: u64,
    value: T,
}

/// A C-visible opaque type and the Rust value it stands for.
pub(crate) trait Handle: Sized {
    /// What the handle holds.
    type Inner;
    /// A distinct tag per type.
    const TAG: u64;
    /// For messages.
    const NAME: &'static str;

    /// Moves a value into a new handle owned by the caller.
    fn into_raw(value: Self::Inner) -> *mut Self {
        Box::into_raw(Box::new(Tagged {
            tag: Self::TAG,
            value,
        }))
        .cast()
    }

    /// Borrows the value behind a handle argument.
    ///
    /// # Safety
    /// `ptr` is NULL or points to at least 8 readable bytes (any live handle does).
    unsafe fn get<'a>(ptr: *const Self, arg: &str) -> Result<&'a Self::Inner, Fail> {
        let tagged = checked::<Self>(ptr, arg)?;
        // SAFETY: the tag matched, so `ptr` came from `into_raw` of this type and is live
        // (using a freed handle is documented as undefined behaviour).
        Ok(unsafe { &(*tagged).value })
    }

    /// Borrows the value mutably (for the handles that change: the config).
    ///
    /// # Safety
    /// As [`Handle::get`], and no other reference to the handle is in use.
    unsafe fn get_mut<'a>(ptr: *mut Self, arg: &str) -> Result<&'a mut Self::Inner, Fail> {
        let tagged = checked::<Self>(ptr, arg)?.cast_mut();
        // SAFETY: as in `get`; exclusivity is the caller's contract (documented).
        Ok(unsafe { &mut (*tagged).value })
    }

    /// Releases a handle; NULL is a no-op; a handle of the wrong type is left alone.
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle, not used again afterwards.
    unsafe fn free(ptr: *mut Self) {
        if let Ok(tagged) = checked::<Self>(ptr, "handle") {
            let tagged = tagged.cast_mut();
            // SAFETY: the tag matched: this is a Box made by `into_raw`. The tag is
            // cleared first so that an accidental second free is more likely caught.
            unsafe {
                (*tagged).tag = 0;
                drop(Box::from_raw(tagged));
            }
        }
    }
}

fn checked<H: Handle>(ptr: *const H, arg: &str) -> Result<*const Tagged<H::Inner>, Fail> {
    if ptr.is_null() {
        return Err(Fail::null(arg));
    }
    // SAFETY: non-NULL; every handle starts with its 8-byte tag. The read is
    // unaligned so a wrong pointer (e.g. a string) cannot make it fault on alignment.
    let tag = unsafe { ptr.cast::<u64>().read_unaligned() };
    if tag != H::TAG {
        return Err(Fail::new(
            oauth2kit_status::WrongHandle,
            format!("argument `{arg}` is not a live {} handle", H::NAME),
        ));
    }
    Ok(ptr.cast())
}

/// Makes an opaque C type (declared by hand, so cbindgen sees it) a handle of
/// `$inner` with tag `$tag`.
macro_rules! opaque {
    ($name:ident => $inner:ty, $tag:literal) => {
        impl $crate::handle::Handle for $name {
            type Inner = $inner;
            const TAG: u64 = $tag;
            const NAME: &'static str = stringify!($name);
        }
    };
}
pub(crate) use opaque;

/// A required string argument, checked for NULL and UTF-8.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, arg: &str) -> Result<&'a str, Fail> {
    if ptr.is_null() {
        return Err(Fail::null(arg));
    }
    // SAFETY: per the contract above.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Fail::new(
            oauth2kit_status::InvalidUtf8,
            format!("argument `{arg}` is not valid UTF-8: {e}"),
        )
    })
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    arg: &str,
) -> Result<Option<&'a str>, Fail> {
    if ptr.is_null() {
        Ok(None)
    } else {
        unsafe { str_arg(ptr, arg) }.map(Some)
    }
}

/// An out-parameter, checked for NULL before any work is done.
pub(crate) fn out_arg<'a, T>(ptr: *mut T, arg: &str) -> Result<Out<'a, T>, Fail> {
    if ptr.is_null() {
        Err(Fail::null(arg))
    } else {
        Ok(Out {
            ptr,
            _life: std::marker::PhantomData,
        })
    }
}

/// A checked out-parameter; written once, on success.
pub(crate) struct Out<'a, T> {
    ptr: *mut T,
    _life: std::marker::PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL by `out_arg`; the caller provides writable storage (contract).
        unsafe { self.ptr.write(value) }
    }
}
