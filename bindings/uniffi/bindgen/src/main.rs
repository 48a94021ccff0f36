//! `uniffi-bindgen`, built from the workspace so that it always matches the uniffi version the
//! library was compiled with (a mismatch fails at load time with a checksum error).

fn main() {
    uniffi::uniffi_bindgen_main()
}
