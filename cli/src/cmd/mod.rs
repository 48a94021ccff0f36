//! One module per command.

pub mod accounts;
pub mod comments;
pub mod connect;
pub mod doctor;
pub mod insights;
pub mod messages;
pub mod publish;
pub mod sandbox;
pub mod schedule;
pub mod store;
pub mod token;
pub mod webhooks;

use instagraph::IgUserId;

/// An account argument as the core's id type, refusing an empty one.
pub fn account_id(text: &str) -> Result<IgUserId, crate::output::Failure> {
    let text = text.trim().trim_start_matches('@');
    if text.is_empty() {
        return Err(crate::output::Failure::message("the account id is empty"));
    }
    Ok(IgUserId::new(text))
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM on Unix).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
