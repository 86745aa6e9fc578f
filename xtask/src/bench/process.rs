//! Runs one external command and measures what it cost: wall time and the peak resident memory
//! of the command and everything it waited for (`wait4`'s `ru_maxrss` covers reaped
//! descendants, so `cargo check` reports its rustc and `openapi-generator-cli` its JVM).

use std::fs::File;
use std::io::{Read, Seek};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;

/// A finished command.
pub(crate) struct Outcome {
    pub(crate) wall: Duration,
    /// Peak resident set size in bytes.
    pub(crate) peak_rss: u64,
    pub(crate) status: ExitStatus,
    pub(crate) timed_out: Option<Duration>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Outcome {
    pub(crate) fn success(&self) -> bool {
        self.timed_out.is_none() && self.status.success()
    }

    /// One line saying why the command failed: its first error line (for a panic, where and
    /// the message), else its last words.
    pub(crate) fn failure(&self) -> String {
        if let Some(limit) = self.timed_out {
            return format!("timed out after {} s", limit.as_secs());
        }
        let lines: Vec<&str> =
            self.stderr.lines().chain(self.stdout.lines()).map(str::trim).filter(|line| !line.is_empty()).collect();
        let is_error = |line: &&str| {
            let lower = line.to_lowercase();
            ["error", "panicked", "exception", "fatal"].iter().any(|word| lower.contains(word))
        };
        let reason = match lines.iter().position(is_error) {
            Some(index) => match lines[index].split_once("panicked at ") {
                Some((_, location)) => {
                    let message = lines.get(index + 1).copied().unwrap_or_default();
                    format!("panicked at {} {message}", without_registry_prefix(location))
                }
                None => lines[index].to_owned(),
            },
            None => self.stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or_default().to_owned(),
        };
        format!("{} ({})", shorten(&reason, 200), self.status).trim_start().to_owned()
    }
}

/// `progenitor-impl-0.15.1/src/method.rs:2057:23:` from a path into cargo's registry.
fn without_registry_prefix(path: &str) -> &str {
    match path.split_once("/registry/src/") {
        Some((_, rest)) => rest.split_once('/').map_or(rest, |(_, inside)| inside),
        None => path,
    }
}

pub(crate) fn shorten(text: &str, limit: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(limit).collect();
    short.push('…');
    short
}

/// Runs `command` to its end (or kills its process group after `timeout`), with stdin empty
/// and stdout and stderr captured.
pub(crate) fn run(command: &mut Command, timeout: Duration) -> anyhow::Result<Outcome> {
    let mut stdout = tempfile::tempfile().context("cannot create a temporary file")?;
    let mut stderr = tempfile::tempfile().context("cannot create a temporary file")?;
    command.stdin(Stdio::null()).stdout(stdout.try_clone()?).stderr(stderr.try_clone()?).process_group(0);
    let program = command.get_program().to_string_lossy().into_owned();
    let started = Instant::now();
    let child = command.spawn().with_context(|| format!("cannot run {program}"))?;
    let pid = libc::pid_t::try_from(child.id()).context("process id out of range")?;

    let (finished, finished_signal) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || match finished_signal.recv_timeout(timeout) {
        Err(RecvTimeoutError::Timeout) => {
            // SAFETY: plain syscall; the group is the child's own (process_group(0)) and is not
            // reaped yet, so the id cannot have been reused.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            true
        }
        _ => false,
    });
    let (status, peak_rss) = wait_with_usage(pid)?;
    let wall = started.elapsed();
    drop(finished);
    let timed_out = watchdog.join().unwrap_or(false).then_some(timeout);
    Ok(Outcome { wall, peak_rss, status, timed_out, stdout: read_all(&mut stdout)?, stderr: read_all(&mut stderr)? })
}

/// Reaps `pid` and returns its exit status and peak RSS in bytes. std's `Child::wait` cannot
/// return the resource usage, hence `wait4`.
fn wait_with_usage(pid: libc::pid_t) -> anyhow::Result<(ExitStatus, u64)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("cannot wait for a child process");
        }
    }
    // Linux reports ru_maxrss in KiB.
    let peak_kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    Ok((ExitStatus::from_raw(status), peak_kib * 1024))
}

fn read_all(file: &mut File) -> anyhow::Result<String> {
    file.rewind()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The middle value (the lower one of the two middles for an even count).
pub(crate) fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn captures_output_status_and_memory() {
        let outcome = run(&mut shell("echo out; echo 'error: broken' >&2; exit 3"), Duration::from_secs(30)).unwrap();
        assert!(!outcome.success());
        assert_eq!(outcome.status.code(), Some(3));
        assert_eq!(outcome.stdout, "out\n");
        assert!(outcome.failure().starts_with("error: broken"), "{}", outcome.failure());
        let panic = "echo \"thread 'main' (7) panicked at /root/.cargo/registry/src/index.crates.io-19/a-1.0/src/m.rs:3:4:\" >&2; echo 'not yet implemented: x' >&2; exit 101";
        let outcome = run(&mut shell(panic), Duration::from_secs(30)).unwrap();
        assert_eq!(outcome.failure(), "panicked at a-1.0/src/m.rs:3:4: not yet implemented: x (exit status: 101)");
        assert!(outcome.peak_rss > 0);
    }

    #[test]
    fn peak_memory_includes_what_the_child_waited_for() {
        // dd fills a 64 MB buffer in a process the shell forks and waits for.
        let outcome =
            run(&mut shell("dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; true"), Duration::from_secs(30));
        let outcome = outcome.unwrap();
        assert!(outcome.success(), "{}", outcome.failure());
        assert!(outcome.peak_rss > 60_000_000, "peak {}", outcome.peak_rss);
    }

    #[test]
    fn kills_a_command_that_outlives_its_timeout() {
        let outcome = run(&mut shell("sleep 30"), Duration::from_millis(200)).unwrap();
        assert!(!outcome.success());
        assert!(outcome.wall < Duration::from_secs(10));
        assert_eq!(outcome.failure(), "timed out after 0 s");
    }

    #[test]
    fn median_takes_the_middle() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(5), ms(1), ms(3)]), Some(ms(3)));
        assert_eq!(median(vec![ms(4), ms(1), ms(3), ms(2)]), Some(ms(2)));
        assert_eq!(median(Vec::new()), None);
    }
}
