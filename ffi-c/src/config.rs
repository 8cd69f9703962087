//! `oauth2kit_config`: the settings of a client, set one option at a time
//! (like `curl_easy_setopt`), then turned into a client by `oauth2kit_client_new`.

use std::ffi::c_char;

use oauth2kit_bind::{ClientConfig, ClientOption};

use crate::enum_arg::*;
use crate::error::{Fail, oauth2kit_status};
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};

pub use crate::option_enum::oauth2kit_option;

/// What a config holds: the binding layer's configuration, which reads and
/// checks every value (so C, C++, Python and Kotlin refuse the same values
/// with the same code). Secrets stay in `Secret` inside it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConfigData(ClientConfig);

impl ConfigData {
    pub(crate) fn new(client_id: &str) -> Self {
        ConfigData(ClientConfig::new(client_id))
    }

    /// Sets option number `option` from its text.
    pub(crate) fn set(&mut self, option: i32, value: &str) -> Result<(), Fail> {
        let option = ClientOption::from_i32_or_err(option)?;
        Ok(self.0.set_text(option, value)?)
    }

    /// Sets an option by its name (the C++ API).
    pub(crate) fn set_by_name(&mut self, name: &str, value: &str) -> Result<(), Fail> {
        let option = ClientOption::from_name_or_err(name)?;
        Ok(self.0.set_text(option, value)?)
    }

    /// Builds the client; discovery (when asked for) is a network call.
    pub(crate) fn build(&self) -> Result<oauth2kit::blocking::Client, Fail> {
        Ok(self.0.build_blocking()?)
    }
}

/// The settings of a client, filled by `oauth2kit_config_set` and read by
/// `oauth2kit_client_new`. Not thread-safe: set options from one thread
/// (reading it in `oauth2kit_client_new` concurrently from several threads is fine).
#[derive(Debug)]
pub struct oauth2kit_config {
    _private: [u8; 0],
}

opaque!(oauth2kit_config => ConfigData, 0x6f32_6b63_6f6e_6600);

/// Starts a configuration for the client id `client_id`.
///
/// On success `*out` receives a new config; free it with `oauth2kit_config_free`
/// (the clients made from it do not need it any longer).
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_new(
    client_id: *const c_char,
    out: *mut *mut oauth2kit_config,
) -> oauth2kit_status {
    guard("oauth2kit_config_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: a C string from the caller (contract in the header).
        let id = unsafe { str_arg(client_id, "client_id") }?;
        out.write(oauth2kit_config::into_raw(ConfigData::new(id)));
        Ok(())
    })
}

/// Sets option `option` (an `oauth2kit_option`) to `value`, copied.
///
/// Every value is text, read as the option's type (see each option):
/// durations in seconds (`"2.5"`), booleans `"true"`/`"false"`, counts as
/// whole numbers. Profiles, keys, names and numbers are checked at once; an
/// unknown option, a retired option number or a bad value gives
/// `OAUTH2KIT_STATUS_CONFIG` (the same code as every other binding), with the
/// option named in the message. URLs are checked by `oauth2kit_client_new`.
/// Setting an option twice keeps the last value; repeatable options
/// (`OAUTH2KIT_OPTION_RESOURCE`, `OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM`) add one
/// value per call.
/// Thread safety: not with other calls on the same config.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_set(
    config: *mut oauth2kit_config,
    option: oauth2kit_option_arg,
    value: *const c_char,
) -> oauth2kit_status {
    guard("oauth2kit_config_set", || {
        // SAFETY: handle and string from the caller, checked by the helpers.
        let data = unsafe { oauth2kit_config::get_mut(config, "config") }?;
        let value = unsafe { str_arg(value, "value") }?;
        data.set(option, value)
    })
}

/// Releases a config. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_free(config: *mut oauth2kit_config) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_config::free(config) });
}
