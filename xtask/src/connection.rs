//! Command-line flags for talking to a real server: certificates, time limit, retries and the
//! login for a protected document, turned into [`FetchOptions`]. The password never comes
//! from a flag: from an environment variable named by `--password-env`, or a prompt.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use secrecy::SecretString;
use xtask::fetch::{CaCertificates, FetchEvent, FetchOptions, Observer, RetryPolicy, ServerTrust};

use crate::console::Console;

/// Proxy variables reqwest reads, in the order it prefers them.
const PROXY_VARIABLES: [&str; 8] =
    ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

#[derive(Args, Debug)]
pub(crate) struct ConnectionArgs {
    /// Also trust this CA certificate (PEM or DER), e.g. the company CA that issued the
    /// server's certificate.
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    ca_cert: Option<PathBuf>,
    /// Accept any server certificate. Anyone on the network path could then read and change
    /// what is fetched, and the password; prefer --ca-cert.
    #[arg(long)]
    insecure: bool,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 30, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Times to try again (after 0.5 s, 1 s, 2 s, at most 4 s) while the server cannot be
    /// reached or answers 502/503, as IIS does while it starts the application.
    #[arg(long, default_value_t = 3, value_name = "N")]
    retries: u32,
    /// Login used only if the document itself needs one: `GROUP\LOGINID` or `GROUP\DOMAIN\user`.
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Environment variable that holds the password for --user; without it, the password is
    /// asked for on the terminal.
    #[arg(long, value_name = "VAR", requires = "user")]
    password_env: Option<String>,
}

impl ConnectionArgs {
    /// These options as command-line flags (never a password: only the variable that holds it),
    /// for a command that repeats this one.
    pub(crate) fn flags(&self) -> String {
        let mut flags = String::new();
        if let Some(path) = &self.ca_cert {
            flags.push_str(&format!(" --ca-cert {}", path.display()));
        }
        if self.insecure {
            flags.push_str(" --insecure");
        }
        if let Some(user) = &self.user {
            flags.push_str(&format!(" --user '{user}'"));
        }
        if let Some(variable) = &self.password_env {
            flags.push_str(&format!(" --password-env {variable}"));
        }
        flags
    }

    /// The options for one fetch; asks for the password now if it has to.
    pub(crate) fn fetch_options(&self, console: Console) -> anyhow::Result<FetchOptions> {
        let trust = match (&self.ca_cert, self.insecure) {
            (Some(path), _) => {
                let certificates = CaCertificates::from_file(path)?;
                console.detail(format!("trusting {} certificate(s) from {}", certificates.len(), path.display()));
                ServerTrust::AlsoTrust(certificates)
            }
            (None, true) => {
                console.warning(
                    "--insecure: the server's certificate is NOT checked; anyone on the network path could \
                     read and change the document and any password sent. Prefer --ca-cert FILE.",
                );
                ServerTrust::AcceptInvalidCertificates
            }
            (None, false) => ServerTrust::System,
        };
        if console.is_verbose() {
            for line in proxy_settings() {
                console.detail(line);
            }
        }
        let credentials = match &self.user {
            Some(user) => Some((user.clone(), self.password(user)?)),
            None => None,
        };
        Ok(FetchOptions {
            timeout: Duration::from_secs(self.timeout),
            credentials,
            trust,
            retry: RetryPolicy { attempts: self.retries.saturating_add(1), ..RetryPolicy::default() },
            observer: observer(console),
        })
    }

    fn password(&self, user: &str) -> anyhow::Result<SecretString> {
        if let Some(variable) = &self.password_env {
            let password = std::env::var(variable)
                .ok()
                .with_context(|| format!("--password-env {variable}: the variable is not set (or not UTF-8)"))?;
            if password.is_empty() {
                bail!("--password-env {variable}: the variable is empty");
            }
            return Ok(password.into());
        }
        if !std::io::stdin().is_terminal() {
            bail!("--user {user}: no password; pass --password-env VAR (there is no terminal to ask on)");
        }
        let password = rpassword::prompt_password(format!("Password for {user}: "))
            .context("cannot read the password from the terminal")?;
        Ok(password.into())
    }
}

/// Prints retries as they happen (a slow app pool should not look like a hang), and the
/// discovery route under `--verbose`.
fn observer(console: Console) -> Observer {
    Observer::new(move |event| match event {
        FetchEvent::Step(step) => console.detail(format_args!("  {step}")),
        FetchEvent::Retrying { url, cause, attempt, attempts, delay } => console.note(format_args!(
            "{url}: {cause}; trying again in {:.1} s (attempt {attempt} of {attempts})",
            delay.as_secs_f64()
        )),
    })
}

/// `proxy from the environment: HTTPS_PROXY=http://proxy:3128`, one line per variable set,
/// without any user name or password the value holds.
fn proxy_settings() -> Vec<String> {
    PROXY_VARIABLES
        .iter()
        .filter_map(|name| {
            let value = std::env::var(name).ok().filter(|value| !value.is_empty())?;
            Some(format!("proxy from the environment: {name}={}", without_credentials(&value)))
        })
        .collect()
}

fn without_credentials(value: &str) -> String {
    match value.split_once('@') {
        Some((before, host)) => {
            let scheme = before.split_once("://").map_or("", |(scheme, _)| scheme);
            if scheme.is_empty() { format!("***@{host}") } else { format!("{scheme}://***@{host}") }
        }
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn proxy_credentials_are_hidden() {
        assert_eq!(without_credentials("http://user:secret@proxy:3128"), "http://***@proxy:3128");
        assert_eq!(without_credentials("proxy:3128"), "proxy:3128");
        assert_eq!(without_credentials("user:pw@proxy"), "***@proxy");
    }
}
