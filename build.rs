//! Build script: tells the tests whether a Postgres server is available.
//!
//! With `INSTAGRAPH_TEST_POSTGRES_URL` set, the crate is built with `cfg(instagraph_pg)`; the
//! Postgres tests carry `#[cfg_attr(not(instagraph_pg), ignore = "…")]`, so without a server they
//! are reported as ignored rather than passing without having run.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(instagraph_pg)");
    println!("cargo:rerun-if-env-changed=INSTAGRAPH_TEST_POSTGRES_URL");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("INSTAGRAPH_TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=instagraph_pg");
    }
}
