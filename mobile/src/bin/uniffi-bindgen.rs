//! The UniFFI binding generator, pinned to this crate's uniffi version.
fn main() {
    uniffi::uniffi_bindgen_main()
}
