//! Calls into the app's [`ForeignStore`] with a time limit.
//!
//! The app's methods are synchronous and may block for ever (a Keychain prompt nobody answers,
//! a database lock). Each call runs on a thread of the store's own and the caller waits at most
//! the timeout, then fails with [`StoreError::Timeout`] naming the method. The thread that is
//! still inside the app is abandoned (it ends when the app returns), and the next call gets a
//! fresh one, so one hung call does not wedge every later one.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use instagraph::store::{StoreError, StoreResult};

use super::{ForeignStore, ForeignStoreError};

/// How long one call into the app's store may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

type Job = Box<dyn FnOnce(&dyn ForeignStore) + Send>;

/// The app's store, called on a worker thread with a time limit.
pub(crate) struct HostCaller {
    store: Arc<dyn ForeignStore>,
    timeout: Duration,
    /// The worker's queue; `None` until the first call and after a call timed out.
    worker: Mutex<Option<mpsc::Sender<Job>>>,
}

impl HostCaller {
    pub(crate) fn new(store: Arc<dyn ForeignStore>, timeout: Duration) -> Self {
        Self {
            store,
            timeout,
            worker: Mutex::new(None),
        }
    }

    /// Runs `call` against the app's store, at most the timeout. `method` names it in errors.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        method: &'static str,
        call: impl FnOnce(&dyn ForeignStore) -> Result<T, ForeignStoreError> + Send + 'static,
    ) -> StoreResult<T> {
        let (reply, answer) = mpsc::sync_channel(1);
        let deadline = Instant::now() + self.timeout;
        self.submit(Box::new(move |store| {
            // A call whose caller gave up while it waited in line is not made at all.
            if Instant::now() < deadline {
                // The caller may have stopped waiting since: then nobody needs the answer.
                let _ = reply.try_send(call(store));
            }
        }));
        match answer.recv_timeout(self.timeout) {
            Ok(result) => result.map_err(|e| {
                StoreError::Backend(format!("foreign store method `{method}` failed: {e}"))
            }),
            Err(RecvTimeoutError::Timeout) => {
                // The worker is stuck in the app: leave it, the next call starts another.
                self.lock().take();
                Err(StoreError::Timeout {
                    method: method.to_owned(),
                    after: self.timeout,
                })
            }
            Err(RecvTimeoutError::Disconnected) => Err(StoreError::Backend(format!(
                "foreign store method `{method}` ended without an answer"
            ))),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<mpsc::Sender<Job>>> {
        self.worker.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn submit(&self, job: Job) {
        let mut worker = self.lock();
        let job = match worker.as_ref() {
            Some(w) => match w.send(job) {
                Ok(()) => return,
                // A worker that died (a panic in the app's call) hands the job back.
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (jobs, queue) = mpsc::channel::<Job>();
        let store = self.store.clone();
        let started = std::thread::Builder::new()
            .name("instagraph-foreign-store".into())
            .spawn(move || {
                for job in queue {
                    job(&*store);
                }
            });
        // Without a thread the job is dropped: its caller sees the call end without an answer.
        if started.is_ok() && jobs.send(job).is_ok() {
            *worker = Some(jobs);
        }
    }
}
