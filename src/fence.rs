//! Fenced code blocks in Markdown (```` ``` ```` or `~~~`, closed by the same marker): the
//! one scanner every reader of a review body uses, so that a heading, a guidance comment or
//! a placeholder inside a code block counts as code everywhere.

/// Follows the fences of a text fed to it line by line, in order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fences {
    open: Option<&'static str>,
}

impl Fences {
    /// Whether `line` is text: neither a fence line nor inside a fenced block.
    pub fn is_text(&mut self, line: &str) -> bool {
        let trimmed = line.trim_start();
        if let Some(marker) = self.open {
            if trimmed.starts_with(marker) {
                self.open = None;
            }
            return false;
        }
        match ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            Some(marker) => {
                self.open = Some(marker);
                false
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_ends_only_at_its_own_marker() {
        let text = "a\n```sh\n## code\n~~~\nstill code\n  ```\nb\n~~~\n```\n~~~\nc\n";
        let mut fences = Fences::default();
        let kept: Vec<&str> = text.lines().filter(|l| fences.is_text(l)).collect();
        assert_eq!(kept, ["a", "b", "c"]);
    }
}
