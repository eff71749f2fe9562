//! `pirt init`: a layout git can commit before the first review.

use crate::pirt;

#[test]
fn init_leaves_folders_that_git_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let out = pirt(dir.path()).args(["init"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for folder in ["postmortems", "problems"] {
        let keep = dir.path().join(folder).join(".gitkeep");
        assert!(keep.is_file(), "{folder}/.gitkeep");
    }
    // The marker is not a review: the gate does not read it.
    let out = pirt(dir.path()).args(["check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A folder that holds files already gets none.
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir(other.path().join("postmortems")).unwrap();
    std::fs::write(other.path().join("postmortems/old.md"), "x").unwrap();
    pirt(other.path()).args(["init"]).output().unwrap();
    assert!(!other.path().join("postmortems/.gitkeep").exists());
    assert!(other.path().join("problems/.gitkeep").exists());
}
