//! A Markdown file with YAML front matter: where the front matter is, and the body's sections.

use crate::review::yaml::{Base, Pos};

/// The layout of a file with front matter between `---` lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Byte range of the YAML text (between the delimiter lines).
    pub yaml: std::ops::Range<usize>,
    /// Line number (1-based) of the first YAML line.
    pub yaml_first_line: usize,
    /// Byte offset where the body starts (after the closing delimiter line).
    pub body_start: usize,
    /// Line number (1-based) of the first body line.
    pub body_first_line: usize,
}

impl Layout {
    pub fn base(&self) -> Base {
        Base {
            lines: self.yaml_first_line - 1,
            offset: self.yaml.start,
        }
    }
}

/// Why a file has no usable front matter.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutError {
    pub pos: Pos,
    pub message: String,
    pub hint: &'static str,
}

/// Finds the front matter. A UTF-8 BOM and CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Layout, LayoutError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter::new(text, start);
    let first = lines.next();
    if first.map(|(_, l)| l.trim_end()) != Some("---") {
        return Err(LayoutError {
            pos: Pos {
                line: 1,
                column: 1,
                offset: start,
                len: 0,
            },
            message: "no front matter: the file must start with a `---` line".into(),
            hint: "a review starts with `---`, the YAML facts (id, title, status, severity, started_at), and a closing `---`",
        });
    }
    let yaml_start = lines.offset;
    let mut number = 1;
    while let Some((offset, line)) = lines.next() {
        number += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Layout {
                yaml: yaml_start..offset,
                yaml_first_line: 2,
                body_start: lines.offset,
                body_first_line: number + 1,
            });
        }
    }
    Err(LayoutError {
        pos: Pos {
            line: 1,
            column: 1,
            offset: start,
            len: 3,
        },
        message: "unterminated front matter: no closing `---` line".into(),
        hint: "add a line holding only `---` after the last YAML key",
    })
}

/// Lines with their byte offsets; `\n` and `\r\n` endings are not part of the line.
struct LineIter<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str, offset: usize) -> Self {
        LineIter { text, offset }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.offset >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.offset..];
        let start = self.offset;
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.offset += advance;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// A `## ` section of the body.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Section {
    pub heading: String,
    /// The Markdown under the heading, up to the next `## ` heading.
    pub text: String,
    /// Line of the heading in the file.
    pub line: usize,
    /// Byte range of `text` within the body (for edits that splice the file).
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
}

impl Section {
    /// True when the section holds nothing but whitespace and `<!-- guide: ... -->` comments.
    pub fn is_empty(&self) -> bool {
        strip_guides(&self.text).trim().is_empty()
    }
}

/// Splits a body into its `## ` sections (headings inside code fences do not count). Text
/// before the first heading is returned as a section with an empty heading when it is not
/// blank.
pub fn sections(body: &str, first_line: usize) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current = Section {
        heading: String::new(),
        text: String::new(),
        line: first_line,
        span: 0..0,
    };
    let mut fences = crate::fence::Fences::default();
    let mut offset = 0;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if fences.is_text(line)
            && let Some(heading) = line.strip_prefix("## ")
        {
            if !current.heading.is_empty() || !current.text.trim().is_empty() {
                out.push(current);
            }
            current = Section {
                heading: heading.trim().trim_end_matches('#').trim().to_string(),
                text: String::new(),
                line: first_line + i,
                span: offset..offset,
            };
            continue;
        }
        if current.text.is_empty() {
            current.span.start = line_start;
        }
        current.text.push_str(raw);
        current.span.end = offset;
    }
    if !current.heading.is_empty() || !current.text.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Removes `<!-- guide: ... -->` comments (scaffold guidance), keeping everything else.
pub fn strip_guides(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!-- guide:") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => {
                rest = &rest[start + end + 3..];
                // Drop the line break after a comment that stood on its own line.
                if out.ends_with('\n') || out.is_empty() {
                    rest = rest
                        .strip_prefix("\r\n")
                        .or_else(|| rest.strip_prefix('\n'))
                        .unwrap_or(rest);
                }
            }
            None => {
                // Never closed: not a comment a renderer hides; keep it as text.
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_bom_and_crlf() {
        let text = "\u{feff}---\r\nid: A\r\n---\r\n## Summary\r\nHello\r\n";
        let layout = split(text).unwrap();
        assert_eq!(&text[layout.yaml.clone()], "id: A\r\n");
        assert_eq!(layout.body_first_line, 4);
        let sections = sections(&text[layout.body_start..], layout.body_first_line);
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].heading, "Summary");
        assert_eq!(sections[0].line, 4);
        assert_eq!(sections[0].text, "Hello\r\n");
    }

    #[test]
    fn missing_and_unterminated_front_matter() {
        assert!(
            split("# Title\n")
                .unwrap_err()
                .message
                .contains("no front matter")
        );
        assert!(split("").unwrap_err().message.contains("no front matter"));
        let err = split("---\nid: A\n").unwrap_err();
        assert!(err.message.contains("unterminated"));
    }

    #[test]
    fn headings_in_code_fences_are_not_sections() {
        let body = "## A\n```\n## not a heading\n```\n## B\ntext\n";
        let s = sections(body, 10);
        assert_eq!(
            s.iter().map(|s| s.heading.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        assert_eq!(s[1].line, 14);
    }

    #[test]
    fn guidance_only_sections_are_empty() {
        let s = sections("## Impact\n<!-- guide: Who was hit? -->\n\n## B\nreal\n", 1);
        assert!(s[0].is_empty());
        assert!(!s[1].is_empty());
        assert_eq!(strip_guides("a\n<!-- guide: x -->\nb"), "a\nb");
    }
}
