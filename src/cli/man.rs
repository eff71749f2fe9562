//! The man pages: pirt(1) and one page per subcommand (pirt-init(1), pirt-timeline-add(1),
//! ...), from the same definitions as `--help`.
//!
//! clap_mangen writes the NAME, SYNOPSIS, DESCRIPTION, OPTIONS and VERSION sections. The
//! title line, the text after the options (`after_help`), the subcommand list and SEE ALSO
//! are written here, and the source is tidied, so that `mandoc -T lint` (every level,
//! style included) has nothing to say:
//! - `.TH` gets an upper-case title, a date (`YYYY-MM-DD`) and a manual name: clap_mangen
//!   leaves the date empty, unquoted, so the next argument was read as an unparsable date;
//! - examples and tables (the indented lines of `after_help`) are set in no-fill mode, so
//!   `man` neither joins nor hyphenates them; the prose around them is filled;
//! - text lines are broken at a space before 80 bytes (a filled line reads the same), and
//!   the `.br`, blank line, `.br` clap_mangen puts before "Possible values" becomes `.sp`.

use std::io::Write as _;

use anyhow::Context;
use clap_mangen::roff::{Roff, bold, roman};

/// What clap_mangen's roff writer puts at the top of every piece it renders (a string that
/// holds an apostrophe for groff and others). A page holds it once.
const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// The longest text line `mandoc -T lint` accepts without a style message.
const MAX_LINE: usize = 80;

pub use crate::cmd::man::Page;

/// Every page, pirt.1 first, then each subcommand's (parents before children).
pub fn pages(cmd: clap::Command, date: &str) -> Vec<Page> {
    // `pirt help` has no page of its own: `--help` and these pages cover it.
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, &[], date, &mut pages);
    pages
}

/// The date of the pages: `SOURCE_DATE_EPOCH` (seconds since 1970, as in reproducible
/// builds) when it is set, otherwise today (UTC).
pub fn date(epoch: Option<&str>) -> anyhow::Result<String> {
    let Some(epoch) = epoch.filter(|e| !e.trim().is_empty()) else {
        return Ok(chrono::Utc::now().format("%Y-%m-%d").to_string());
    };
    let seconds: i64 = epoch.trim().parse().ok().with_context(|| {
        format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds since 1970-01-01")
    })?;
    let when = chrono::DateTime::from_timestamp(seconds, 0)
        .with_context(|| format!("SOURCE_DATE_EPOCH=`{epoch}` is out of range"))?;
    Ok(when.format("%Y-%m-%d").to_string())
}

fn collect(cmd: &clap::Command, parents: &[String], date: &str, pages: &mut Vec<Page>) {
    let name = page_name(cmd);
    pages.push(Page {
        file_name: format!("{name}.1"),
        text: page(cmd, parents, date),
    });
    let mut chain = parents.to_vec();
    chain.push(name);
    for sub in visible_subcommands(cmd) {
        collect(sub, &chain, date, pages);
    }
}

/// `pirt`, `pirt-timeline`, `pirt-timeline-add`: clap sets the display name of each
/// subcommand when the root command is built.
fn page_name(cmd: &clap::Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_owned()
}

fn visible_subcommands(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|sub| !sub.is_hide_set())
}

fn page(cmd: &clap::Command, parents: &[String], date: &str) -> String {
    let name = page_name(cmd);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .section("1")
        .date(date)
        .source(format!("pirt {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|text| text.to_string())
        .unwrap_or_default();
    let (notes, examples) = split_after_help(&after);

    let mut text = String::from(PREAMBLE);
    let mut add = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buf = Vec::new();
        render(&mut buf).expect("writing to memory does not fail");
        let piece = String::from_utf8(buf).expect("clap_mangen writes UTF-8");
        text.push_str(piece.strip_prefix(PREAMBLE).unwrap_or(&piece));
    };
    add(&|w| man.render_title(w));
    // No hyphenation and a ragged right margin: paths and flags stay whole words.
    add(&|w| w.write_all(b".nh\n.ad l\n"));
    add(&|w| man.render_name_section(w));
    add(&|w| man.render_synopsis_section(w));
    add(&|w| man.render_description_section(w));
    add(&|w| paragraphs(None, &notes).to_writer(w));
    if cmd.get_arguments().any(|arg| !arg.is_hide_set()) {
        add(&|w| man.render_options_section(w));
    }
    if visible_subcommands(cmd).next().is_some() {
        add(&|w| subcommands(cmd).to_writer(w));
    }
    if !examples.is_empty() {
        add(&|w| paragraphs(Some("EXAMPLES"), &examples).to_writer(w));
    }
    if !parents.is_empty() {
        add(&|w| see_also(parents).to_writer(w));
    }
    if cmd.get_version().is_some() {
        add(&|w| man.render_version_section(w));
    }
    tidy(&text)
}

/// The text after the options, in paragraphs: those before the one that starts with
/// "Examples:" (notes, appended to DESCRIPTION) and that one and the rest (EXAMPLES, without
/// the "Examples:" line itself).
fn split_after_help(text: &str) -> (Vec<Vec<&str>>, Vec<Vec<&str>>) {
    let mut notes = Vec::new();
    let mut examples: Vec<Vec<&str>> = Vec::new();
    for paragraph in text.split("\n\n") {
        let lines: Vec<&str> = paragraph
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        let Some(first) = lines.first() else { continue };
        if examples.is_empty() && matches!(*first, "Examples:" | "Example:") {
            examples.push(lines[1..].to_vec());
        } else if examples.is_empty() {
            notes.push(lines);
        } else {
            examples.push(lines);
        }
    }
    examples.retain(|p| !p.is_empty());
    (notes, examples)
}

/// Paragraphs of `after_help`: lines that start at the margin are prose (filled); indented
/// lines (examples, the rule table) keep their line breaks and their indentation beyond
/// the least indented line of their block. Under `heading`, a new section; without, more
/// paragraphs of the one before.
fn paragraphs(heading: Option<&str>, paragraphs: &[Vec<&str>]) -> Roff {
    let mut roff = Roff::default();
    if let Some(heading) = heading {
        roff.control("SH", [heading]);
    }
    for (i, lines) in paragraphs.iter().enumerate() {
        if i > 0 || heading.is_none() {
            roff.control("PP", []);
        }
        let mut rest = &lines[..];
        while let Some(first) = rest.first() {
            let verbatim = first.starts_with(char::is_whitespace);
            let run = rest
                .iter()
                .take_while(|l| l.starts_with(char::is_whitespace) == verbatim)
                .count();
            let (block, tail) = rest.split_at(run);
            if verbatim {
                let indent = block
                    .iter()
                    .map(|l| l.len() - l.trim_start().len())
                    .min()
                    .unwrap_or(0);
                roff.control("nf", []);
                for line in block {
                    roff.text([roman(&line[indent..])]);
                }
                roff.control("fi", []);
            } else {
                roff.text([roman(block.join(" "))]);
            }
            rest = tail;
        }
    }
    roff
}

/// The subcommands, each by the name of its page.
fn subcommands(cmd: &clap::Command) -> Roff {
    let mut roff = Roff::default();
    let heading = cmd.get_subcommand_help_heading().unwrap_or("SUBCOMMANDS");
    roff.control("SH", [heading.to_uppercase().as_str()]);
    let mut subs: Vec<_> = visible_subcommands(cmd).collect();
    subs.sort_by_key(|sub| (sub.get_display_order(), sub.get_name()));
    for sub in subs {
        roff.control("TP", []);
        roff.text([bold(page_name(sub)), roman("(1)")]);
        if let Some(about) = sub.get_about().or_else(|| sub.get_long_about()) {
            roff.text([roman(about.to_string())]);
        }
    }
    roff
}

/// The pages of the commands above this one.
fn see_also(parents: &[String]) -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (i, name) in parents.iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        line.push(bold(name));
        line.push(roman("(1)"));
    }
    roff.text(line);
    roff
}

/// Source-level fixes that do not change the rendered page (see the module comment).
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut fill = true;
    // A run of breaks and blank lines (clap_mangen's `.br`, empty help, `.br` before
    // "Possible values") is one break, or one blank line if it holds one.
    let mut pending: Option<&str> = None;
    for line in text.lines() {
        let line = trim_end_spaces(line);
        if fill && matches!(line, "" | ".br" | ".sp") {
            let space = line != ".br" || pending == Some(".sp");
            pending = Some(if space { ".sp" } else { ".br" });
            continue;
        }
        // A paragraph or section starts with its own space.
        let paragraph = matches!(
            line.split_whitespace().next(),
            Some(".SH" | ".SS" | ".TP" | ".PP" | ".LP" | ".P" | ".IP")
        );
        if let Some(request) = pending.take().filter(|_| !paragraph) {
            out.push_str(request);
            out.push('\n');
        }
        let control = line.starts_with('.') || line.starts_with('\'');
        if control {
            match line.split_whitespace().next() {
                Some(".nf") => fill = false,
                Some(".fi") => fill = true,
                _ => {}
            }
        }
        if control || !fill {
            out.push_str(line);
            out.push('\n');
        } else {
            wrap(line, &mut out);
        }
    }
    out
}

/// Trailing spaces, unless the last one is escaped (`\ `).
fn trim_end_spaces(line: &str) -> &str {
    let trimmed = line.trim_end_matches(' ');
    if trimmed.len() < line.len() && trimmed.ends_with('\\') {
        &line[..trimmed.len() + 1]
    } else {
        trimmed
    }
}

/// Breaks a filled text line at single spaces so that no piece is longer than
/// [`MAX_LINE`] bytes (a word longer than that stays whole). A piece that would start
/// with `.` or `'` (a control line) is led by `\&`.
fn wrap(line: &str, out: &mut String) {
    let mut rest = line;
    let mut first = true;
    loop {
        let lead = if !first && (rest.starts_with('.') || rest.starts_with('\'')) {
            "\\&"
        } else {
            ""
        };
        let room = MAX_LINE - lead.len();
        let bytes = rest.as_bytes();
        let breakable = |i: usize| {
            bytes[i] == b' '
                && i > 0
                && i + 1 < bytes.len()
                && !matches!(bytes[i - 1], b' ' | b'\\')
                && bytes[i + 1] != b' '
        };
        let at = if bytes.len() <= room {
            None
        } else {
            (1..=room)
                .rev()
                .find(|&i| breakable(i))
                .or_else(|| (room + 1..bytes.len()).find(|&i| breakable(i)))
        };
        out.push_str(lead);
        match at {
            Some(i) => {
                out.push_str(&rest[..i]);
                out.push('\n');
                rest = &rest[i + 1..];
                first = false;
            }
            None => {
                out.push_str(rest);
                out.push('\n');
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(line: &str) -> String {
        let mut out = String::new();
        wrap(line, &mut out);
        out
    }

    #[test]
    fn long_lines_break_at_spaces_and_read_the_same() {
        let line = "word ".repeat(40);
        let line = line.trim_end();
        let out = wrapped(line);
        assert!(out.lines().all(|l| l.len() <= MAX_LINE), "{out}");
        assert_eq!(out.lines().collect::<Vec<_>>().join(" "), line);
        assert_eq!(wrapped("short line"), "short line\n");
    }

    #[test]
    fn a_piece_that_would_be_a_control_line_is_escaped() {
        let x = "x".repeat(78);
        assert_eq!(
            wrapped(&format!("{x} .pirt/history/ and more")),
            format!("{x}\n\\&.pirt/history/ and more\n")
        );
        // Never at an escaped space or a double space; a long word stays whole.
        let word = "y".repeat(90);
        assert_eq!(wrapped(&word), format!("{word}\n"));
        let spaced = format!("{}\\ {}", "a".repeat(70), "b".repeat(20));
        assert_eq!(wrapped(&spaced), format!("{spaced}\n"));
        let double = format!("{}  {}", "a".repeat(70), "b".repeat(20));
        assert_eq!(wrapped(&double), format!("{double}\n"));
    }

    #[test]
    fn no_fill_blocks_and_control_lines_are_kept() {
        let long = "z ".repeat(50);
        let text = format!(".nf\n{long}\n.fi\n{long}\n");
        let out = tidy(&text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], long.trim_end());
        assert!(lines[3..].iter().all(|l| l.len() <= MAX_LINE));
        assert_eq!(tidy("a\n.br\n\n.br\nb\n"), "a\n.sp\nb\n");
        assert_eq!(tidy("a\n\n.br\nb\n.br\nc\n"), "a\n.sp\nb\n.br\nc\n");
        assert_eq!(tidy(".TP\nx\n\n.TP\ny\n\n"), ".TP\nx\n.TP\ny\n");
        assert_eq!(trim_end_spaces("a\\  "), "a\\ ");
    }

    #[test]
    fn examples_are_split_from_notes() {
        let (notes, examples) = split_after_help(
            "Prose one\nprose two\n\nExamples:\n  pirt a\n  pirt b\n\nThen:\n  # line",
        );
        assert_eq!(notes, vec![vec!["Prose one", "prose two"]]);
        assert_eq!(
            examples,
            vec![vec!["  pirt a", "  pirt b"], vec!["Then:", "  # line"]]
        );
        let roff = paragraphs(Some("EXAMPLES"), &examples).to_roff();
        assert_eq!(
            roff,
            ".SH EXAMPLES\n.nf\npirt a\npirt b\n.fi\n.PP\nThen:\n.nf\n# line\n.fi\n"
        );
        assert_eq!(
            paragraphs(None, &notes).to_roff(),
            ".PP\nProse one prose two\n"
        );
    }

    #[test]
    fn the_date_comes_from_source_date_epoch() {
        assert_eq!(date(Some("1764633600")).unwrap(), "2025-12-02");
        let err = date(Some("yesterday")).unwrap_err().to_string();
        assert!(err.contains("SOURCE_DATE_EPOCH=`yesterday`"), "{err}");
        assert!(date(Some("99999999999999999")).is_err());
        let today = date(None).unwrap();
        assert!(chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").is_ok());
        assert_eq!(date(Some(" ")).unwrap(), today);
    }
}
