//! How a publish's progress events are shown: bars and spinners on a terminal (indicatif),
//! plain lines otherwise (a pipe, a log file, CI).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use instagraph::publisher::ProgressEvent;

/// Shows progress events on stderr.
pub struct ProgressView {
    terminal: bool,
    bar: Option<ProgressBar>,
}

impl ProgressView {
    /// Bars when stderr is a terminal, plain lines when it is not.
    pub fn for_stderr() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// Shows one event.
    pub fn show(&mut self, event: &ProgressEvent) {
        if self.terminal {
            self.draw(event);
        } else if let Some(line) = plain_line(event) {
            eprintln!("{line}");
        }
    }

    /// Clears what is still drawn.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn draw(&mut self, event: &ProgressEvent) {
        match event {
            ProgressEvent::Uploading {
                media,
                bytes,
                total,
            } => {
                let bar = self
                    .bar
                    .get_or_insert_with(|| upload_bar(*total, media.to_string()));
                bar.set_length(*total);
                bar.set_position(*bytes);
            }
            ProgressEvent::Processing {
                container_id,
                status,
                elapsed,
            } => {
                let bar = self.spinner();
                bar.set_message(format!(
                    "Meta is processing container {container_id} ({}, {}s)",
                    status.as_str(),
                    elapsed.as_secs()
                ));
            }
            other => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                if let Some(line) = plain_line(other) {
                    eprintln!("{line}");
                }
            }
        }
    }

    /// The spinner, replacing an upload bar.
    fn spinner(&mut self) -> &ProgressBar {
        if self.bar.as_ref().is_some_and(|b| b.length().is_some()) {
            if let Some(bar) = self.bar.take() {
                bar.finish();
            }
        }
        self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        })
    }
}

fn upload_bar(total: u64, media: String) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "uploading {msg} [{bar:30.green}] {bytes}/{total_bytes} ({bytes_per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("#>-"),
    );
    bar.set_message(media);
    bar
}

/// The event as one line of text (`None` for nothing worth a line).
pub fn plain_line(event: &ProgressEvent) -> Option<String> {
    Some(match event {
        ProgressEvent::Created {
            media,
            container_id,
        } => format!("created container {container_id} for {media}"),
        ProgressEvent::Uploading {
            media,
            bytes,
            total,
        } => {
            let percent = if *total == 0 {
                100
            } else {
                bytes * 100 / total
            };
            format!("uploading {media}: {bytes}/{total} bytes ({percent}%)")
        }
        ProgressEvent::Processing {
            container_id,
            status,
            elapsed,
        } => format!(
            "processing container {container_id}: {} after {}s",
            status.as_str(),
            elapsed.as_secs()
        ),
        ProgressEvent::Ready { container_id } => format!("container {container_id} is ready"),
        ProgressEvent::Published { media_id, .. } => format!(
            "published {}",
            media_id
                .as_ref()
                .map(|m| m.as_str())
                .unwrap_or("(id not returned)")
        ),
        _ => return None,
    })
}
