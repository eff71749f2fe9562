//! Slack's message markup ("mrkdwn": `<@U…>`, `<#C…|name>`, `<https://…|label>`, HTML
//! entities) as one line of Markdown.

use std::collections::HashMap;

/// Who and what ids name: users (id → name) and channels (id → name).
#[derive(Default)]
pub struct Names {
    pub users: HashMap<String, String>,
    pub channels: HashMap<String, String>,
}

impl Names {
    /// A user's name, else the id.
    pub fn user<'a>(&'a self, id: &'a str) -> &'a str {
        self.users.get(id).map_or(id, String::as_str)
    }
}

/// `text` with mentions as `@name`, channel links as `#name`, links as Markdown, entities
/// decoded and its lines joined by spaces.
pub fn render(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        decode_into(&rest[..open], &mut out);
        let after = &rest[open + 1..];
        // A `<` with no `>` after it is text (Slack escapes `<` as `&lt;`, so this is rare).
        let Some(close) = after.find('>') else {
            decode_into(&rest[open..], &mut out);
            rest = "";
            break;
        };
        markup(&after[..close], names, &mut out);
        rest = &after[close + 1..];
    }
    decode_into(rest, &mut out);
    one_line(&out)
}

/// One `<…>`: a mention, a channel, a special mention or a link.
fn markup(inner: &str, names: &Names, out: &mut String) {
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, decode(label)),
        None => (inner, String::new()),
    };
    if let Some(id) = target.strip_prefix('@') {
        out.push('@');
        match names.users.get(id) {
            Some(name) => out.push_str(name),
            None if !label.is_empty() => out.push_str(label.trim_start_matches('@')),
            None => out.push_str(id),
        }
    } else if let Some(id) = target.strip_prefix('#') {
        out.push('#');
        match names.channels.get(id) {
            Some(name) => out.push_str(name),
            None if !label.is_empty() => out.push_str(label.trim_start_matches('#')),
            None => out.push_str(id),
        }
    } else if let Some(command) = target.strip_prefix('!') {
        let word = command.split('^').next().unwrap_or(command);
        match word {
            "here" | "channel" | "everyone" => {
                out.push('@');
                out.push_str(word);
            }
            // `<!subteam^S0123|@oncall>`: a user group.
            "subteam" if !label.is_empty() => {
                if !label.starts_with('@') {
                    out.push('@');
                }
                out.push_str(&label);
            }
            // `<!date^1392734382^{date_short}|Feb 18, 2014>`: the fallback text.
            _ if !label.is_empty() => out.push_str(&label),
            _ => {
                out.push('@');
                out.push_str(word);
            }
        }
    } else {
        link(&decode(target), &label, out);
    }
}

fn link(url: &str, label: &str, out: &mut String) {
    let plain = url
        .split_once(':')
        .is_some_and(|(scheme, rest)| matches!(scheme, "mailto" | "tel") && rest == label);
    if plain {
        out.push_str(label);
    } else if label.is_empty() || label == url {
        out.push_str(url);
    } else {
        out.push('[');
        for c in label.chars() {
            if matches!(c, '[' | ']' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push_str("](");
        for c in url.chars() {
            match c {
                ' ' => out.push_str("%20"),
                '(' => out.push_str("%28"),
                ')' => out.push_str("%29"),
                c => out.push(c),
            }
        }
        out.push(')');
    }
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    decode_into(text, &mut out);
    out
}

/// The three entities Slack escapes: `&amp;`, `&lt;`, `&gt;` (in one pass: `&amp;lt;` is
/// `&lt;`).
fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (with, len) = if tail.starts_with("&amp;") {
            ('&', 5)
        } else if tail.starts_with("&lt;") {
            ('<', 4)
        } else if tail.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(with);
        rest = &tail[len..];
    }
    out.push_str(rest);
}

/// The non-blank lines, trimmed, joined by single spaces.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut names = Names::default();
        names.users.insert("U01LIWEI".into(), "li.wei".into());
        names
            .channels
            .insert("C07INC4812".into(), "inc-checkout".into());
        names
    }

    fn r(text: &str) -> String {
        render(text, &names())
    }

    #[test]
    fn mentions_become_names_and_unknown_ids_stay() {
        assert_eq!(r("<@U01LIWEI> on it"), "@li.wei on it");
        assert_eq!(r("ping <@U99NOBODY>"), "ping @U99NOBODY");
        assert_eq!(r("ping <@U99NOBODY|sam>"), "ping @sam");
    }

    #[test]
    fn channel_links_become_hash_names() {
        assert_eq!(r("see <#C07INC4812|inc-checkout>"), "see #inc-checkout");
        assert_eq!(r("see <#C07INC4812>"), "see #inc-checkout");
        assert_eq!(r("see <#C99|ops-room>"), "see #ops-room");
        assert_eq!(r("see <#C99>"), "see #C99");
    }

    #[test]
    fn special_mentions() {
        assert_eq!(r("<!here> p99 is up"), "@here p99 is up");
        assert_eq!(r("<!channel|channel> heads up"), "@channel heads up");
        assert_eq!(r("<!everyone>"), "@everyone");
        assert_eq!(
            r("<!subteam^S01ONCALL|@checkout-oncall> please"),
            "@checkout-oncall please"
        );
        assert_eq!(
            r("since <!date^1763647752^{time}|14:09 UTC>"),
            "since 14:09 UTC"
        );
    }

    #[test]
    fn links_with_labels_become_markdown_links_and_bare_links_urls() {
        assert_eq!(
            r("<https://grafana.example.com/d/abc?from=1&amp;to=2|p99 dashboard>"),
            "[p99 dashboard](https://grafana.example.com/d/abc?from=1&to=2)"
        );
        assert_eq!(r("<https://example.com/x>"), "https://example.com/x");
        assert_eq!(
            r("<https://example.com|https://example.com>"),
            "https://example.com"
        );
        assert_eq!(
            r("<mailto:ops@example.com|ops@example.com>"),
            "ops@example.com"
        );
        assert_eq!(
            r("<https://example.com/a_(b)|the [old] runbook>"),
            "[the \\[old\\] runbook](https://example.com/a_%28b%29)"
        );
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(
            r("p99 &gt; 2s &amp;&amp; errors &lt; 1%"),
            "p99 > 2s && errors < 1%"
        );
        assert_eq!(r("literally &amp;lt;"), "literally &lt;");
        assert_eq!(r("AT&T & co"), "AT&T & co");
        assert_eq!(r("a < b"), "a < b");
    }

    #[test]
    fn lines_are_joined() {
        assert_eq!(
            r("Rolled back\n\n  v2.31 → v2.30  \r\nwatching"),
            "Rolled back v2.31 → v2.30 watching"
        );
    }
}
