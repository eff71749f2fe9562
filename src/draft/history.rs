//! `.pirt/history/`: the copy of a review kept before `--force` replaces human text.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::fsutil;

/// Keeps `text` (the file before the change) as `.pirt/history/<file name>.<UTC time>`
/// under `root` (the folder of pirt.toml); returns where.
pub fn save(root: &Path, path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let dir = root.join(".pirt").join("history");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "review.md".into(), |n| n.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let saved = dir.join(format!("{name}.{stamp}"));
    fsutil::create_new(&saved, text.as_bytes())?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_old_text_is_kept_beside_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let saved = super::save(dir.path(), std::path::Path::new("p/r.md"), "old").unwrap();
        assert!(saved.starts_with(dir.path().join(".pirt/history")));
        assert!(
            saved
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("r.md.20")
        );
        assert_eq!(std::fs::read_to_string(saved).unwrap(), "old");
    }
}
