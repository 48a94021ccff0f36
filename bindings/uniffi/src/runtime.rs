//! The tokio runtime the binding owns. The core never starts one (see DESIGN.md); the foreign
//! languages have none, so every exported async call runs here.

use std::sync::OnceLock;

use tokio::runtime::{Handle, Runtime};

use crate::error::{binding, Result};

static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();

/// The runtime's handle, building the runtime on first use (two workers: a phone or a CI box
/// has few cores, and the work is I/O).
pub fn handle() -> Result<Handle> {
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("instagraph")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    match runtime {
        Ok(rt) => Ok(rt.handle().clone()),
        Err(e) => Err(binding("starting the tokio runtime", e)),
    }
}
