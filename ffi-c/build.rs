//! Compiles the C++ half of the cxx bridge into this crate's libraries and
//! gives the shared library a soname and `-z nodelete` (a host that
//! `dlclose`s a Rust library with live runtime threads would crash).

fn main() {
    cxx_build::bridge("src/cxx_bridge.rs")
        .std("c++17")
        .include("../include")
        .compile("oauth2kit_cxxbridge");
    println!("cargo:rerun-if-changed=../include/oauth2kit/poll_observer.h");
    println!("cargo:rerun-if-changed=../include/oauth2kit/session_glue.h");
    println!("cargo:rerun-if-changed=src/cxx_bridge.rs");
    let target = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liboauth2kit.so.0");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
}
