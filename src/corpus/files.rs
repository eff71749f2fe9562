//! Which files a repository's corpus is made of, and the `id:` line of each, read without
//! parsing the YAML (so that it works on files that are otherwise broken).

use std::io::Read;
use std::path::{Path, PathBuf};

/// The `.md` files under `paths`, sorted; unreadable paths become messages. Folders are
/// walked honouring .gitignore, without hidden files.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let walk = walk(paths);
    (walk.files, walk.errors)
}

/// What a walk found, and what it depended on.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub errors: Vec<String>,
    /// Every folder walked: a file added, removed or renamed changes its time.
    pub folders: Vec<PathBuf>,
}

/// [`collect_files`], with the folders it walked.
pub fn walk(paths: &[PathBuf]) -> Walk {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.exists() {
            errors.push(format!("{}: no such file or folder", path.display()));
            continue;
        }
        for entry in ignore::WalkBuilder::new(path)
            .hidden(true)
            .require_git(false)
            .build()
        {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    if entry.path().extension().is_some_and(|e| e == "md") {
                        files.push(entry.into_path());
                    }
                }
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_dir()) => {
                    folders.push(entry.into_path());
                }
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    sort_paths(&mut files);
    files.dedup();
    Walk {
        files,
        errors,
        folders,
    }
}

/// The files whose rules decide what a walk of `folders` (from `roots`) leaves out:
/// `.gitignore`, `.ignore` and `.git/info/exclude` in each folder and above each root, and
/// git's global configuration and excludes file.
pub fn rule_files(roots: &[PathBuf], folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = folders.to_vec();
    for root in roots {
        dirs.extend(absolute(root).ancestors().skip(1).map(Path::to_path_buf));
    }
    dirs.sort();
    dirs.dedup();
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            [
                d.join(".gitignore"),
                d.join(".ignore"),
                d.join(".git/info/exclude"),
            ]
        })
        .collect();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let configs: Vec<PathBuf> = home
        .iter()
        .map(|h| h.join(".gitconfig"))
        .chain(xdg.iter().map(|x| x.join("git/config")))
        .collect();
    // core.excludesFile, as a line of either config names it.
    for config in &configs {
        let Ok(text) = std::fs::read_to_string(config) else {
            continue;
        };
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("excludesfile") {
                let value = value.trim().trim_matches('"');
                out.push(match (value.strip_prefix("~/"), &home) {
                    (Some(rest), Some(home)) => home.join(rest),
                    _ => PathBuf::from(value),
                });
            }
        }
    }
    out.extend(xdg.map(|x| x.join("git/ignore")));
    out.extend(configs);
    out
}

/// Sorts as `Path`'s own order (component by component), comparing one byte key per path
/// instead of parsing components at every comparison (a third of a 10k-file walk's time).
fn sort_paths(paths: &mut [PathBuf]) {
    use std::path::Component;
    paths.sort_by_cached_key(|path| {
        let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
        for component in path.components() {
            // The components' own order (`Component` derives it), then the text; 0 ends a
            // component, below any byte a name can hold.
            match component {
                Component::Prefix(p) => {
                    key.push(1);
                    key.extend(p.as_os_str().as_encoded_bytes());
                }
                Component::RootDir => key.push(2),
                Component::CurDir => key.push(3),
                Component::ParentDir => key.push(4),
                Component::Normal(name) => {
                    key.push(5);
                    key.extend(name.as_encoded_bytes());
                }
            }
            key.push(0);
        }
        key
    });
}

/// The `id:` line of a file's front matter: the id as written (unquoted, without a trailing
/// comment) and where its value starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdLine {
    pub id: String,
    /// 1-based line and column of the value (its opening quote, if quoted).
    pub line: usize,
    pub column: usize,
    /// Byte offset of the value in the text.
    pub offset: usize,
    /// Whether the line ends inside the text (a head cut at a fixed size may end mid-line).
    pub complete: bool,
}

/// Finds the first `id:` line between the opening `---` and the closing `---` or `...`.
/// The one scanner of `id:` lines: ids for cross-file rules and new ids, and the position
/// of a problem record's id.
pub fn id_line(text: &str) -> Option<IdLine> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = text[bom..].split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return None;
    }
    let mut offset = bom + text[bom..].find('\n')? + 1;
    for (i, raw) in lines.enumerate() {
        let complete = raw.ends_with('\n');
        let line = raw.trim_end_matches(['\n', '\r']);
        if matches!(line.trim_end(), "---" | "...") {
            return None;
        }
        if let Some(rest) = line.strip_prefix("id:") {
            let value = rest.split(" #").next().unwrap_or(rest).trim();
            let id = value.trim_matches(['"', '\'']);
            if id.is_empty() {
                offset += raw.len();
                continue;
            }
            let column = 4 + (rest.len() - rest.trim_start().len());
            return Some(IdLine {
                id: id.to_string(),
                line: i + 2,
                column,
                offset: offset + column - 1,
                complete,
            });
        }
        offset += raw.len();
    }
    None
}

/// The id of the file at `path`, read from its head (the id is near the top; a front
/// matter with a very long head is read whole). `None`: no id line, or unreadable.
pub fn read_id(path: &Path) -> Option<String> {
    const HEAD: u64 = 1024;
    let mut head = Vec::with_capacity(HEAD as usize);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD)
        .read_to_end(&mut head)
        .ok()?;
    let found = id_line(&String::from_utf8_lossy(&head));
    match found {
        Some(line) if line.complete || (head.len() as u64) < HEAD => Some(line.id),
        _ if (head.len() as u64) < HEAD => None,
        _ => id_line(&String::from_utf8_lossy(&std::fs::read(path).ok()?)).map(|l| l.id),
    }
}

/// The id of a file's text, as [`read_id`] reads it from disk.
pub fn text_id(bytes: &[u8]) -> Option<String> {
    id_line(&String::from_utf8_lossy(bytes)).map(|l| l.id)
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_line_of_the_front_matter_only() {
        let found = id_line("---\ntitle: x\nid: \"PIR-1\"  # first\n---\n").unwrap();
        assert_eq!(found.id, "PIR-1");
        assert_eq!((found.line, found.column, found.offset), (3, 5, 17));
        assert!(id_line("---\ntitle: x\n---\nid: PIR-1\n").is_none());
        assert!(id_line("no front matter\nid: PIR-1\n").is_none());
        assert!(id_line("---\nid:\nid: PIR-2\n---\n").is_some_and(|l| l.id == "PIR-2"));
    }

    #[test]
    fn paths_sort_as_path_orders_them() {
        let mut paths: Vec<PathBuf> = [
            "/r/p/b-c.md",
            "/r/p/b/c.md",
            "/r/p/b.md",
            "/r/p/B.md",
            "/r/p/b/a b.md",
            "/r/p.md",
            "r/p/a.md",
            "./r/a.md",
            "../a.md",
            "/r/p/b/",
            "/r/p/ä.md",
            "/r/p/a.mdx",
            "/r/./p/x.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        sort_paths(&mut paths);
        assert_eq!(paths, expected);
    }

    #[test]
    fn offsets_count_a_bom_and_crlf() {
        let text = "\u{feff}---\r\nid: PRB-0001\r\n---\r\n";
        let found = id_line(text).unwrap();
        assert_eq!(&text[found.offset..found.offset + 8], "PRB-0001");
        assert_eq!((found.line, found.column), (2, 5));
        assert!(found.complete);
    }

    #[test]
    fn a_head_cut_inside_the_id_line_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.md");
        let padding = format!("# {}\n", "x".repeat(1010));
        std::fs::write(&path, format!("---\n{padding}id: PIR-2026-0042\n---\n")).unwrap();
        assert_eq!(read_id(&path).as_deref(), Some("PIR-2026-0042"));
        let short = dir.path().join("short.md");
        std::fs::write(&short, "---\nid: PIR-1").unwrap();
        assert_eq!(read_id(&short).as_deref(), Some("PIR-1"));
    }
}
