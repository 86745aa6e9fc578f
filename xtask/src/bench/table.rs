//! One table per part of the bench, printed aligned on the terminal and as markdown in the report.

use std::fmt::Write;
use std::time::Duration;

pub(crate) struct Table {
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    /// A row shorter than the headers ends in a cell that spans the rest (a failure's reason).
    pub(crate) rows: Vec<Vec<String>>,
    /// Lines printed under the table: what the columns mean, caveats.
    pub(crate) notes: Vec<String>,
}

impl Table {
    pub(crate) fn new(title: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            title: title.into(),
            headers: headers.iter().map(|header| (*header).to_owned()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub(crate) fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|column| {
                std::iter::once(&self.headers)
                    .chain(&self.rows)
                    // The spanning last cell of a short row sets no width.
                    .filter(|row| row.len() >= self.headers.len() || column + 1 < row.len())
                    .filter_map(|row| row.get(column))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> =
                cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            padded.join("  ").trim_end().to_owned()
        };
        let mut text = format!("{}\n{}\n", self.title, line(&self.headers));
        for row in &self.rows {
            let _ = writeln!(text, "{}", line(row));
        }
        for note in &self.notes {
            let _ = writeln!(text, "  {note}");
        }
        text
    }

    pub(crate) fn markdown(&self) -> String {
        let escape = |cell: &String| cell.replace('|', "\\|");
        let line = |cells: &[String]| {
            let mut cells: Vec<String> = cells.iter().map(escape).collect();
            cells.resize(self.headers.len().max(cells.len()), String::new());
            format!("| {} |", cells.join(" | "))
        };
        let mut text = format!("### {}\n\n{}\n", self.title, line(&self.headers));
        let _ = writeln!(text, "|{}", " --- |".repeat(self.headers.len()));
        for row in &self.rows {
            let _ = writeln!(text, "{}", line(row));
        }
        if !self.notes.is_empty() {
            text.push('\n');
        }
        for note in &self.notes {
            let _ = writeln!(text, "- {note}");
        }
        text
    }
}

pub(crate) fn seconds(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 10.0 { format!("{seconds:.3} s") } else { format!("{seconds:.1} s") }
}

pub(crate) fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// `ours ÷ theirs`, the figure the targets are stated in (0.10 = ours takes a tenth).
pub(crate) fn ratio(ours: f64, theirs: f64) -> String {
    if theirs > 0.0 { format!("{:.2}", ours / theirs) } else { "—".into() }
}

/// A measured figure with, for a peer, `ours ÷ theirs` next to it.
pub(crate) fn with_ratio(figure: String, ours: Option<f64>, theirs: f64) -> String {
    match ours {
        Some(ours) => format!("{figure} ({})", ratio(ours, theirs)),
        None => figure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_text_and_markdown() {
        let mut table = Table::new("Title", &["spec", "time"]);
        table.row(vec!["github".into(), "1.000 s".into()]);
        table.row(vec!["a|b".into(), "12.3 s".into()]);
        table.row(vec!["failed: a reason longer than the columns".into()]);
        table.note("a note");
        assert_eq!(
            table.text(),
            "Title\nspec    time\ngithub  1.000 s\na|b     12.3 s\nfailed: a reason longer than the columns\n  a note\n"
        );
        assert_eq!(
            table.markdown(),
            "### Title\n\n| spec | time |\n| --- | --- |\n| github | 1.000 s |\n| a\\|b | 12.3 s |\n| failed: a reason longer than the columns |  |\n\n- a note\n"
        );
    }

    #[test]
    fn figures_read_as_ours_divided_by_theirs() {
        assert_eq!(seconds(Duration::from_millis(1234)), "1.234 s");
        assert_eq!(seconds(Duration::from_millis(12345)), "12.3 s");
        assert_eq!(ratio(1.0, 10.0), "0.10");
        assert_eq!(ratio(1.0, 0.0), "—");
        assert_eq!(with_ratio("3.0 s".into(), Some(1.0), 3.0), "3.0 s (0.33)");
        assert_eq!(with_ratio("3.0 s".into(), None, 3.0), "3.0 s");
    }
}
