//! Text of an export made into one line of readable Markdown, for every reader: bodies of
//! status updates, notes and alert annotations hold HTML tags and entities, Markdown
//! lists and headings, and newlines.

/// One line of readable text: HTML tags removed (`<br>` and block tags become breaks),
/// entities decoded (`&amp;`, `&#39;`, `&#x2014;`, `&nbsp;`), each line's heading or list
/// marker dropped, lines joined (list items and paragraphs with `; `, wrapped lines with a
/// space), runs of whitespace made one space, control characters removed.
pub fn one_line(text: &str) -> String {
    let plain = decode_entities(&strip_tags(text));
    let mut out = String::with_capacity(plain.len());
    let mut separator = "";
    for raw in plain.lines() {
        let line = raw.trim();
        if line.is_empty() {
            if !out.is_empty() {
                separator = "; ";
            }
            continue;
        }
        let (item, content) = drop_marker(line);
        if !out.is_empty() {
            let sep = if item && separator.is_empty() {
                "; "
            } else if separator.is_empty() {
                " "
            } else {
                separator
            };
            if sep == "; " && out.ends_with(['.', ';', ':', '!', '?']) {
                out.push(' ');
            } else {
                out.push_str(sep);
            }
        }
        separator = if item { "; " } else { "" };
        push_collapsed(&mut out, content);
    }
    out
}

/// A heading (`## `), quote (`> `) or list marker (`- `, `* `, `+ `, `1. `, `1) `) at the
/// start of a line: whether it was a list item or heading, and the rest.
fn drop_marker(line: &str) -> (bool, &str) {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        return (true, line[hashes..].trim_start());
    }
    if let Some(rest) = line.strip_prefix("> ") {
        return (false, rest.trim_start());
    }
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return (true, rest.trim_start());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (true, rest.trim_start());
        }
    }
    (false, line)
}

use crate::printable::invisible;
pub use crate::printable::printable;

fn push_collapsed(out: &mut String, text: &str) {
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else if c.is_control() || invisible(c) {
            continue;
        } else {
            if space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
}

/// Removes `<tag ...>` and `</tag>`; `<br>`, `<p>`, `<li>`, `<div>`, headings and table
/// rows become line breaks. A `<` not starting a tag (`p99 < 300ms`) stays.
fn strip_tags(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut link: Option<String> = None;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_start = after.strip_prefix('/').unwrap_or(after);
        let is_tag = name_start
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            || after.starts_with("!--");
        match (is_tag, after.find('>')) {
            (true, Some(end)) => {
                let name: String = name_start
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let tag = &after[..end];
                if name == "a" && !after.starts_with('/') {
                    link = attribute(tag, "href").filter(|h| !h.is_empty());
                    if link.is_some() {
                        out.push('[');
                    }
                } else if name == "a"
                    && let Some(href) = link.take()
                {
                    out.push_str("](");
                    out.push_str(&href);
                    out.push(')');
                }
                if matches!(
                    name.as_str(),
                    "br" | "p" | "li" | "div" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                ) {
                    out.push('\n');
                    if name == "li" && !after.starts_with('/') {
                        out.push_str("- ");
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of `name="..."` (or single-quoted) in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = lower[..at].chars().last();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start().strip_prefix('=')?.trim_start();
        let quote = rest.chars().next()?;
        if quote == '"' || quote == '\'' {
            return rest[1..]
                .find(quote)
                .map(|end| rest[1..1 + end].to_string());
        }
        return Some(rest.split_whitespace().next()?.to_string());
    }
    None
}

/// Decodes the named entities exports use and every numeric one; an unknown `&name;`
/// stays as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

/// An export as the snapshot tests of every reader show it: what, each record on one line
/// (time, kind, source, origin, text), lifecycle proposals, skipped counts and problems.
#[cfg(test)]
pub fn dump(export: &super::Export) -> String {
    let mut out = format!("what: {}\n", export.what);
    for r in &export.records {
        out.push_str(&format!(
            "{} {:<13} {} @{}\n    {}\n",
            r.at.to_rfc3339(),
            r.kind.to_string(),
            r.source,
            r.origin,
            r.text
        ));
    }
    for p in &export.lifecycle {
        out.push_str(&format!(
            "lifecycle: {} = {} by {}\n",
            p.field.key(),
            p.at.to_rfc3339(),
            p.by
        ));
    }
    for (what, n) in &export.skipped {
        out.push_str(&format!("skipped: {}\n", what.counted(*n)));
    }
    for p in &export.problems {
        out.push_str(&format!("problem: {p}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_runs_of_space_become_one_line() {
        assert_eq!(
            one_line("  We are\n  investigating   errors.\n"),
            "We are investigating errors."
        );
        assert_eq!(one_line("First.\n\nSecond"), "First. Second");
        assert_eq!(one_line("First\n\nSecond"), "First; Second");
        assert_eq!(one_line("a\tb\r\nc"), "a b c");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn markdown_lists_and_headings_are_joined() {
        assert_eq!(
            one_line("## Update\nAffected:\n- checkout\n- payments\n1. rolled back"),
            "Update; Affected: checkout; payments; rolled back"
        );
        assert_eq!(
            one_line("**Resolved** by `li.wei`"),
            "**Resolved** by `li.wei`"
        );
    }

    #[test]
    fn html_tags_and_entities_are_decoded() {
        assert_eq!(
            one_line(
                "<p>Errors &amp; timeouts on <b>checkout</b></p><p>p99 &lt; 300ms&nbsp;now</p>"
            ),
            "Errors & timeouts on checkout; p99 < 300ms now"
        );
        assert_eq!(
            one_line("it&#39;s &#x2014; &quot;ok&quot; &bogus; a&b"),
            "it's — \"ok\" &bogus; a&b"
        );
        assert_eq!(one_line("p99 < 300ms and a<b"), "p99 < 300ms and a<b");
        assert_eq!(one_line("line<br>break<br/>x"), "line break x");
        assert_eq!(one_line("<ul><li>a</li><li>b</li></ul>"), "a; b");
        assert_eq!(
            one_line("See <a class=\"x\" href=\"https://acme.com/r?a=1&amp;b=2\">the review</a>."),
            "See [the review](https://acme.com/r?a=1&b=2)."
        );
        assert_eq!(one_line("<a name=top>x</a>"), "x");
        assert_eq!(
            one_line("&#0; &#xFFFFFFFF; bell\u{7}"),
            "&#0; &#xFFFFFFFF; bell"
        );
        assert_eq!(
            one_line("rm -rf /\u{202e}gpj.txt \u{2066}x\u{2069} \u{200b}y"),
            "rm -rf /gpj.txt x y"
        );
        assert_eq!(one_line("a&#x202e;b &#8294;c"), "ab c");
        assert_eq!(printable("R1\u{1b}[31m\nkind: x\u{202e}"), "R1[31mkind: x");
    }
}
