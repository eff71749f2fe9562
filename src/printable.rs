//! Text safe to print on a terminal and to write into a review: without control characters
//! (escape sequences that recolour or move the cursor, line breaks where one line is
//! meant) and the invisible characters that make a line read in another order than it is
//! stored. What every reader of other tools' text and of rows written by hand applies.

/// `text` without control characters and [`invisible`] ones: for ids and names, which are
/// printed on the terminal and written as `source:`.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !invisible(*c))
        .collect()
}

/// `text` as one line: runs of white space (line breaks and tabs too) made one space,
/// control and [`invisible`] characters removed, the ends trimmed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(printable)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Zero-width spaces, byte-order marks and the bidirectional embeddings, overrides and
/// isolates (U+202A..U+202E, U+2066..U+2069): invisible, and the last can make a line
/// read in another order than it is stored (on the terminal and in the file).
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{feff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_breaks_and_bidi_overrides_are_dropped() {
        let text = "Paged \u{1b}[31mred\u{1b}[0m\tand \u{202e}live\u{202c}\n\u{200b}now ";
        assert_eq!(one_line(text), "Paged [31mred[0m and live now");
        assert_eq!(printable("PD\u{7}-1\u{2066}2"), "PD-12");
    }
}
