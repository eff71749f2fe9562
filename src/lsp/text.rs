//! Positions between byte offsets (what pirt's parser and rules point with) and LSP
//! positions (line and character, counted in the encoding the client negotiated).

use lsp_types::{Position, Range};

/// How the client counts characters in a line (`positionEncoding`; UTF-16 by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The first of the client's encodings the server speaks; UTF-16 when it names none.
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Encoding {
        for kind in offered.unwrap_or_default() {
            match kind.as_str() {
                "utf-8" => return Encoding::Utf8,
                "utf-16" => return Encoding::Utf16,
                "utf-32" => return Encoding::Utf32,
                _ => {}
            }
        }
        Encoding::Utf16
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lsp_types::PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// Where every line of a text starts, to turn offsets into positions and back.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
    encoding: Encoding,
}

impl Lines {
    pub fn new(text: &str, encoding: Encoding) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, encoding }
    }

    /// The byte offset where line `line` (0-based) starts, if the text has it.
    pub fn start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The text of line `line` without its line end (empty past the end).
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(start) = self.start(line) else {
            return "";
        };
        let end = self.start(line + 1).unwrap_or(text.len()).min(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The LSP position of byte `offset` (clamped to the text, and back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line];
        let character = text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(line as u32, character)
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(
            self.position(text, start),
            self.position(text, end.max(start)),
        )
    }

    /// The byte offset of an LSP position: a character past the line's end is its end, a
    /// line past the text's end is the text's end, a position inside a character is the
    /// character's start.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(start) = self.start(pos.line as usize) else {
            return text.len();
        };
        let line = self.line_text(text, pos.line as usize);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let next = units + self.encoding.width(c);
            if next > pos.character {
                return start + i;
            }
            units = next;
        }
        start + line.len()
    }
}

/// Applies one `didChange` content change (a range and its new text, or the whole text).
pub fn apply_change(
    text: &mut String,
    change: &lsp_types::TextDocumentContentChangeEvent,
    encoding: Encoding,
) {
    match change.range {
        None => *text = change.text.clone(),
        Some(range) => {
            let lines = Lines::new(text, encoding);
            let start = lines.offset(text, range.start);
            let end = lines.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The 1-based character column (what `pirt check` prints) of byte `offset` in its line.
pub fn char_column(text: &str, lines: &Lines, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = lines.starts[lines.line_of(offset)];
    text[start..offset].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a😀b\n漢字x\nlast";

    #[test]
    fn positions_count_in_the_negotiated_encoding() {
        let x = TEXT.find('x').unwrap();
        let b = TEXT.find('b').unwrap();
        for (enc, b_char, x_char) in [
            (Encoding::Utf16, 3, 2),
            (Encoding::Utf8, 5, 6),
            (Encoding::Utf32, 2, 2),
        ] {
            let lines = Lines::new(TEXT, enc);
            assert_eq!(lines.position(TEXT, b), Position::new(0, b_char));
            assert_eq!(lines.position(TEXT, x), Position::new(1, x_char));
            assert_eq!(lines.offset(TEXT, Position::new(1, x_char)), x);
            assert_eq!(lines.offset(TEXT, Position::new(0, b_char)), b);
        }
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(lines.offset(TEXT, Position::new(0, 2)), 1);
        assert_eq!(
            lines.offset(TEXT, Position::new(0, 99)),
            TEXT.find('\n').unwrap()
        );
        assert_eq!(lines.offset(TEXT, Position::new(99, 0)), TEXT.len());
        assert_eq!(lines.position(TEXT, 2), Position::new(0, 1));
        assert_eq!(lines.position(TEXT, 9999), Position::new(2, 4));
    }

    #[test]
    fn changes_apply_by_range_or_whole() {
        let mut text = TEXT.to_string();
        let change = lsp_types::TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 1), Position::new(1, 1))),
            range_length: None,
            text: "-".into(),
        };
        apply_change(&mut text, &change, Encoding::Utf16);
        assert_eq!(text, "a-字x\nlast");
    }

    #[test]
    fn columns_are_characters() {
        let lines = Lines::new(TEXT, Encoding::Utf16);
        assert_eq!(char_column(TEXT, &lines, TEXT.find('x').unwrap()), 3);
    }
}
