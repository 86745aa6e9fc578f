//! What the commands tell the user on stderr: one line per stage with its time, notes,
//! warnings and errors. `--quiet` keeps only warnings and errors, `--verbose` adds the
//! discovery route and other details; colours only when the stream is a terminal and
//! `NO_COLOR` is unset.

use std::fmt::Display;
use std::io::IsTerminal;
use std::time::Duration;

use xtask::changes::ChangeReport;

/// How much to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Prints to stderr at the chosen verbosity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Console {
    verbosity: Verbosity,
    colour: bool,
}

/// The few styles used; each maps to one ANSI sequence.
#[derive(Clone, Copy)]
pub(crate) enum Style {
    Stage,
    Dim,
    Warning,
    Error,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Self::Stage => "\x1b[1;32m",
            Self::Dim => "\x1b[2m",
            Self::Warning => "\x1b[1;33m",
            Self::Error => "\x1b[1;31m",
        }
    }
}

/// Whether a stream that `is_terminal` should get colours.
pub(crate) fn wants_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// `text` in `style` when `colour`, as it is otherwise.
pub(crate) fn paint(colour: bool, style: Style, text: impl Display) -> String {
    if colour { format!("{}{text}\x1b[0m", style.code()) } else { text.to_string() }
}

impl Console {
    pub(crate) fn new(verbosity: Verbosity) -> Self {
        Self { verbosity, colour: wants_colour(std::io::stderr().is_terminal()) }
    }

    pub(crate) fn is_verbose(&self) -> bool {
        self.verbosity >= Verbosity::Verbose
    }

    /// `fetch     0.42 s  detail`: a finished stage.
    pub(crate) fn stage(&self, name: &str, elapsed: Duration, detail: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            let name = paint(self.colour, Style::Stage, format_args!("{name:<9}"));
            let time = paint(self.colour, Style::Dim, format_args!("{:>6.2} s", elapsed.as_secs_f64()));
            eprintln!("{name}{time}  {detail}");
        }
    }

    /// A line worth reading on a normal run.
    pub(crate) fn note(&self, line: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{line}");
        }
    }

    /// A line for `--verbose` only.
    pub(crate) fn detail(&self, line: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{}", paint(self.colour, Style::Dim, line));
        }
    }

    /// Printed even with `--quiet`: the user must see it.
    pub(crate) fn warning(&self, line: impl Display) {
        eprintln!("{} {line}", paint(self.colour, Style::Warning, "warning:"));
    }

    pub(crate) fn error(&self, line: impl Display) {
        eprintln!("{} {line}", paint(self.colour, Style::Error, "error:"));
    }

    /// The API change report, unless quiet.
    pub(crate) fn changes(&self, report: &ChangeReport) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{}", render_changes(report, self.colour));
        }
    }
}

/// The report as [`ChangeReport`]'s `Display` writes it, with "breaking" in red when `colour`.
pub(crate) fn render_changes(report: &ChangeReport, colour: bool) -> String {
    let mut text = report.summary();
    for change in &report.changes {
        let flag = if change.is_breaking() {
            paint(colour, Style::Error, "breaking  ")
        } else {
            paint(colour, Style::Dim, "compatible")
        };
        text.push_str(&format!("\n  {flag}  {change}"));
    }
    text
}
