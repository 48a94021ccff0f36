//! Child processes of the multi-process test: spawned from this test binary, their stdout read
//! line by line on a thread each, and all killed when the guard drops (a failing test leaves no
//! process behind).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// SIGKILL's number, which `Child::kill` sends on Unix.
pub const SIGKILL: i32 = 9;

/// One child process.
pub struct ChildProcess {
    /// Its name in the test's messages.
    pub name: String,
    child: Child,
    lines: Receiver<String>,
    /// Held open while the child should live: the child exits when it closes, so that no
    /// process outlives a test run that was itself killed.
    _lifeline: ChildStdin,
}

impl ChildProcess {
    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (blocking, at most `timeout`) for a stdout line starting with `prefix`, and returns
    /// the rest of it. Panics if the process ends or the time runs out first.
    pub fn wait_for_line(&mut self, prefix: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.trim().to_owned();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "{} printed no {prefix:?} line within {timeout:?}",
                        self.name
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait();
                    panic!("{} ended before printing {prefix:?}: {status:?}", self.name)
                }
            }
        }
    }

    /// SIGKILL, then the exit status.
    pub fn kill(&mut self) -> ExitStatus {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait for the killed child")
    }

    /// SIGTERM (how a process manager stops a process), then waits up to `timeout` for it to end.
    pub fn terminate(&mut self, timeout: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill -TERM");
        assert!(sent.success(), "kill -TERM {} failed", self.pid());
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not stop within {timeout:?} of SIGTERM",
                self.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Every child of the test; dropping it kills those still running.
#[derive(Default)]
pub struct Children {
    list: Vec<ChildProcess>,
}

impl Children {
    /// Starts this test binary again as a child running the example with `args`, in the
    /// environment `env` (added to the parent's).
    pub fn spawn(&mut self, name: &str, args: &[String], env: &HashMap<&str, String>) -> usize {
        let exe = std::env::current_exe().expect("the test binary's path");
        let mut command = Command::new(exe);
        command
            .args(["child_process", "--exact", "--ignored", "--nocapture"])
            .env(
                crate::CHILD_ARGS,
                serde_json::to_string(args).expect("args"),
            )
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("spawn a child process");
        let stdout = child.stdout.take().expect("piped stdout");
        let lifeline = child.stdin.take().expect("piped stdin");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        self.list.push(ChildProcess {
            name: name.to_owned(),
            child,
            lines,
            _lifeline: lifeline,
        });
        self.list.len() - 1
    }

    /// The child at `index`.
    pub fn get(&mut self, index: usize) -> &mut ChildProcess {
        &mut self.list[index]
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.list {
            if c.is_running() {
                let _ = c.child.kill();
            }
            let _ = c.child.wait();
        }
    }
}

/// Whether `status` is the end of a process killed by SIGKILL.
pub fn killed_by_sigkill(status: &ExitStatus) -> bool {
    status.signal() == Some(SIGKILL)
}
