//! Safe file writes: a temporary file in the same folder, renamed over the target, so an
//! interrupted write leaves the old file intact.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

/// Replaces `path` with `contents` atomically, keeping the file's permissions. A symlink
/// is followed: its target is replaced, the link stays. A new file is readable by all
/// (0644), like one written by an editor.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_replacing(path, contents, true)
}

/// Like [`write_atomic`] for files pirt generates from others (rendered pages, the site):
/// the rename still means a reader sees the old or the new page, but the data is not
/// forced to disk first. After a power cut the page may need building again; the
/// sources are never written this way.
pub fn write_generated(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    // A new page has no old version to protect: write it in place (one file, not two).
    if fs::symlink_metadata(path).is_err() {
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(contents) {
                    remove_partial(path, file);
                    return Err(e).with_context(|| format!("cannot write {}", path.display()));
                }
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    write_replacing(path, contents, false)
}

fn write_replacing(path: &Path, contents: &[u8], durable: bool) -> anyhow::Result<()> {
    let resolved;
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            // `/dev/stdout` leads to a pipe that has no path: then write through the link.
            resolved = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            resolved.as_path()
        }
        _ => path,
    };
    // A device or a pipe (`-o /dev/stdout`, `-o /dev/null`) is written to, never replaced.
    if let Ok(meta) = fs::metadata(path) {
        if meta.is_dir() {
            bail!("{} is a folder", path.display());
        }
        if !meta.is_file() {
            let mut file = OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            return file
                .write_all(contents)
                .with_context(|| format!("cannot write {}", path.display()));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".pirt-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|()| {
            if durable {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .with_context(|| format!("cannot write {} (is the disk full?)", path.display()))?;
    if let Ok(meta) = fs::metadata(path) {
        if meta.permissions().readonly() {
            bail!("{} is read-only; nothing was changed", path.display());
        }
        fs::set_permissions(tmp.path(), meta.permissions())
            .with_context(|| format!("cannot copy permissions of {}", path.display()))?;
    } else {
        set_new_file_mode(tmp.path())?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn set_new_file_mode(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
        .with_context(|| format!("cannot set permissions of {}", path.display()))
}

#[cfg(not(unix))]
fn set_new_file_mode(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Creates a new file; fails if it exists (never overwrites).
pub fn create_new(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    if let Err(e) = file.write_all(contents).and_then(|()| file.sync_all()) {
        remove_partial(path, file);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Removes a new file that could not be written whole (a half-written file is worse than
/// none), unless something else has been put at its path since.
fn remove_partial(path: &Path, file: File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ours = file.metadata().map(|m| (m.dev(), m.ino()));
        let there = fs::symlink_metadata(path).map(|m| (m.dev(), m.ino()));
        if !matches!((ours, there), (Ok(a), Ok(b)) if a == b) {
            return;
        }
    }
    drop(file);
    let _ = fs::remove_file(path);
}

/// An exclusive advisory lock on a file that is about to be replaced by `write_atomic`.
///
/// The lock is taken on the file itself; since a rename replaces the inode, a waiter that
/// got the lock on the old inode notices and locks the new one, so concurrent edits are
/// serialised and none is lost.
pub struct EditLock {
    _file: File,
}

impl EditLock {
    pub fn acquire(path: &Path) -> anyhow::Result<Self> {
        loop {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
            if same_file(&file, path) {
                return Ok(EditLock { _file: file });
            }
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

/// A path below the working directory as a relative one (the index holds paths absolute),
/// so that messages name every file the same way.
pub fn shown(path: &Path) -> &Path {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_create_new_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.md");
        create_new(&path, b"one").unwrap();
        assert!(create_new(&path, b"two").is_err());
        write_atomic(&path, b"three").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "three");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let is_device = || fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device());
        if !is_device() {
            return; // a sandbox without a real /dev/null
        }
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        assert!(is_device());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_and_links_are_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.html");
        write_atomic(&out, b"x").unwrap();
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o644
        );
        let target = dir.path().join("real.md");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }
}
