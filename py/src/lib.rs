//! `oauth2kit._oauth2kit`: the Python extension module. A thin map of the core
//! (`oauth2kit`) into Python types; the ergonomic layer (keyword-rich `Client`,
//! `AsyncClient`, adapters, exceptions) is pure Python in `python/oauth2kit/`.
//!
//! Modules: [`errors`] core errors → Python exceptions, [`convert`] JSON ↔ Python,
//! [`token`] the `Token` type, [`types`] profiles, metadata and authorization
//! requests, [`client`] the client (sync calls release the GIL; async ones
//! return awaitables), [`runtime`] the asyncio bridge and the finalization guard.

use pyo3::prelude::*;

mod callback;
mod client;
mod convert;
mod errors;
mod grants;
mod handed;
mod logging;
mod loopback;
mod runtime;
mod session;
mod token;
mod types;

#[pymodule]
fn _oauth2kit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::CoreClient>()?;
    m.add_class::<token::Token>()?;
    m.add_class::<types::Profile>()?;
    m.add_class::<types::ServerMetadata>()?;
    m.add_class::<types::AuthorizationRequest>()?;
    m.add_class::<loopback::LoopbackListener>()?;
    m.add_class::<callback::CoreCallbackHandler>()?;
    m.add_class::<callback::CallbackResult>()?;
    m.add_class::<session::CoreSession>()?;
    m.add_class::<session::FileStore>()?;
    m.add_class::<session::RedisStore>()?;
    m.add_class::<grants::PyCancelToken>()?;
    m.add_class::<grants::PollProgress>()?;
    m.add_class::<grants::PyDeviceAuthorization>()?;
    m.add_class::<grants::PyCibaAuthorization>()?;
    m.add_function(wrap_pyfunction!(runtime::_mark_finalizing, m)?)?;
    m.add_class::<runtime::LoopWaker>()?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(logging::_install_logging, m)?)?;
    m.add_function(wrap_pyfunction!(logging::refresh_logging, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
