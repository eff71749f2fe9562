//! The files of a Slack export, from its unpacked folder or straight from the `.zip`
//! (never extracted to disk), with bounds that refuse zip bombs before they cost memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

/// How much an export may hold. A Slack export is JSON only (files stay links): 100,000
/// messages are about 60 MB, so these are far above any real export.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Uncompressed bytes, declared by all entries together and actually read.
    pub total: u64,
    /// Uncompressed bytes of one member.
    pub entry: u64,
    /// Entries of a zip.
    pub entries: usize,
}

pub const GIB: u64 = 1 << 30;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            total: 2 * GIB,
            entry: GIB,
            entries: 100_000,
        }
    }
}

/// An export's members by their paths inside it (`general/2026-11-20.json`).
pub struct Archive {
    /// What errors name: the folder, or the zip file.
    shown: String,
    kind: Kind,
    limits: Limits,
    /// Members (files only) as `/`-separated paths, in name order.
    names: Vec<String>,
    read_so_far: u64,
}

enum Kind {
    Folder(PathBuf),
    /// The zip and, for each of `names`, its entry index.
    Zip(Box<ZipArchive<BufReader<File>>>, Vec<usize>),
}

impl Archive {
    /// The export folder at `dir`: its files up to three levels down (an export wrapped in
    /// one more folder, channel folder, day file).
    pub fn folder(dir: &Path, limits: Limits) -> Result<Archive, String> {
        let mut names = Vec::new();
        walk(dir, "", 0, &mut names)?;
        names.sort();
        Ok(Archive {
            shown: dir.display().to_string(),
            kind: Kind::Folder(dir.to_path_buf()),
            limits,
            names,
            read_so_far: 0,
        })
    }

    /// The zip at `path`, refused when it has too many entries or declares too much.
    pub fn zip(path: &Path, limits: Limits) -> Result<Archive, String> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|e| format!("{shown}: {e}"))?;
        let zip = ZipArchive::new(BufReader::new(file))
            .map_err(|e| format!("{shown}: not a readable zip archive ({e})"))?;
        if zip.len() > limits.entries {
            return Err(format!(
                "{shown}: the zip has {} entries, more than the {} pirt reads \
                 (a Slack export has one file per channel and day); refused",
                zip.len(),
                limits.entries
            ));
        }
        let mut declared: u64 = 0;
        let mut members = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let entry = zip
                .by_index_data(index)
                .map_err(|e| format!("{shown}: entry {index}: {e}"))?;
            declared = declared.saturating_add(entry.size());
            if entry.is_dir() {
                continue;
            }
            // Names are only compared, never used as paths on disk; some Windows tools
            // write `\` between folders.
            let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/");
            members.push((name, index));
        }
        if declared > limits.total {
            return Err(format!(
                "{shown}: the zip declares {} uncompressed, more than the {} pirt reads \
                 from a Slack export; refused as a possible zip bomb",
                size(declared),
                size(limits.total)
            ));
        }
        members.sort();
        members.dedup_by(|b, a| a.0 == b.0);
        let (names, indexes) = members.into_iter().unzip();
        Ok(Archive {
            shown,
            kind: Kind::Zip(Box::new(zip), indexes),
            limits,
            names,
            read_so_far: 0,
        })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How errors name `member`: `export.zip:general/2026-11-20.json`, or the file's path
    /// in a folder.
    pub fn shown(&self, member: &str) -> String {
        match self.kind {
            Kind::Folder(_) => format!("{}/{member}", self.shown.trim_end_matches('/')),
            Kind::Zip(..) => format!("{}:{member}", self.shown),
        }
    }

    /// The bytes of `member`, held to the limits: its declared size, the bytes it actually
    /// decompresses to, and the total read.
    pub fn read(&mut self, member: &str) -> Result<Vec<u8>, String> {
        let shown = self.shown(member);
        let at = self
            .names
            .binary_search_by(|n| n.as_str().cmp(member))
            .map_err(|_| format!("{shown}: not in the export"))?;
        let left = self.limits.total.saturating_sub(self.read_so_far);
        let bound = self.limits.entry.min(left);
        let (entry_limit, total_limit) = (self.limits.entry, self.limits.total);
        let too_big = |n: u64| {
            format!(
                "{shown}: {} uncompressed is more than the {} pirt reads of one file \
                 ({} in all); refused",
                size(n),
                size(entry_limit.min(left)),
                size(total_limit)
            )
        };
        let bytes = match &mut self.kind {
            Kind::Folder(dir) => {
                let path = dir.join(member);
                let file = File::open(&path).map_err(|e| format!("{shown}: {e}"))?;
                let len = file.metadata().map_err(|e| format!("{shown}: {e}"))?.len();
                if len > bound {
                    return Err(too_big(len));
                }
                read_bounded(file, len, bound).map_err(|e| format!("{shown}: {e}"))?
            }
            Kind::Zip(zip, indexes) => {
                let entry = zip
                    .by_index(indexes[at])
                    .map_err(|e| format!("{shown}: {e}"))?;
                let declared = entry.size();
                if declared > bound {
                    return Err(too_big(declared));
                }
                let bytes =
                    read_bounded(entry, declared, declared).map_err(|e| format!("{shown}: {e}"))?;
                if bytes.len() as u64 > declared {
                    return Err(format!(
                        "{shown}: decompresses to more than the {} its entry declares; \
                         refused as a possible zip bomb",
                        size(declared)
                    ));
                }
                bytes
            }
        };
        if bytes.len() as u64 > bound {
            return Err(too_big(bytes.len() as u64));
        }
        self.read_so_far += bytes.len() as u64;
        Ok(bytes)
    }
}

/// Reads at most `bound + 1` bytes, so that a caller sees a source longer than it said.
fn read_bounded(source: impl Read, expected: u64, bound: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(expected.min(bound) as usize);
    source.take(bound + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn walk(dir: &Path, prefix: &str, depth: usize, names: &mut Vec<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let path = entry.path();
        // Follows links, as reading the file does.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let member = format!("{prefix}{name}");
        if meta.is_dir() {
            if depth < 2 {
                walk(&path, &format!("{member}/"), depth + 1, names)?;
            }
        } else if meta.is_file() {
            names.push(member);
        }
    }
    Ok(())
}

/// `2.0 GiB`, `512 MiB`, `12,345 bytes`.
pub fn size(bytes: u64) -> String {
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}
