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
    // The open section's heading, line and span; its text is the span of the body, copied
    // once when the section ends.
    let mut heading: Option<&str> = None;
    let mut line = first_line;
    let mut span: Option<std::ops::Range<usize>> = None;
    // Where the open section's text starts: after its heading line.
    let mut opened_at = 0;
    // An empty section's span is empty, where its text would start (`at`).
    let mut close =
        |heading: Option<&str>, line: usize, span: Option<std::ops::Range<usize>>, at: usize| {
            let text = span.as_ref().map_or("", |s| &body[s.clone()]);
            if heading.is_some_and(|h| !h.is_empty()) || !text.trim().is_empty() {
                out.push(Section {
                    heading: heading.unwrap_or("").to_string(),
                    text: text.to_string(),
                    line,
                    span: span.unwrap_or(at..at),
                });
            }
        };
    let mut fences = crate::fence::Fences::default();
    let mut offset = 0;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw.len();
        let text_line = raw.trim_end_matches(['\n', '\r']);
        if fences.is_text(text_line)
            && let Some(title) = text_line.strip_prefix("## ")
        {
            close(heading, line, span.take(), opened_at);
            heading = Some(title.trim().trim_end_matches('#').trim());
            line = first_line + i;
            opened_at = offset;
            continue;
        }
        let start = span.as_ref().map_or(line_start, |s| s.start);
        span = Some(start..offset);
    }
    close(heading, line, span, opened_at);
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

    /// The first release's splitter, line by line into growing strings: the reference.
    fn sections_reference(body: &str, first_line: usize) -> Vec<Section> {
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

    #[test]
    fn sections_are_those_of_the_line_by_line_splitter() {
        let mut bodies: Vec<String> = [
            "",
            "\n",
            "text before\n## A\nx\n",
            "## A\n## B\n\n## C\ntext",
            "## A\r\nx\r\n## B ##\r\n",
            "##  \n## \nx\n",
            "  \n\n## A\n```\n## not\n```\n~~~\n## no\n~~~\n## B\n",
            "## A\n<!-- guide: g -->\n\n## B\nlast line without end",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in std::fs::read_dir(root).unwrap().flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path())
                && let Ok(layout) = split(&text)
            {
                bodies.push(text[layout.body_start..].to_string());
            }
        }
        for body in &bodies {
            assert_eq!(sections(body, 7), sections_reference(body, 7), "{body:?}");
        }
    }

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
