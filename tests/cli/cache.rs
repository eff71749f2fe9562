//! The corpus index in `.pirt/cache`: made with its .gitignore, read again where a file
//! changed, rebuilt when corrupt, absent where it cannot be written, bypassed by
//! `--no-cache`, removed by `pirt cache clean`, whole when two processes write it.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, SystemTime};

use crate::{copy_dir, fixtures, pirt};

const REVIEW: &str = "postmortems/2026-01-05-checkout-pool.md";
/// A review with two similar past incidents.
const LATER: &str = "postmortems/2026-02-10-checkout-deploy.md";
const PROBLEM: &str = "problems/PRB-0001-pool-sizing.md";

/// A copy of the insights corpus (four reviews, two problem records), every file dated
/// an hour back: old enough for the index to trust its size and time.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("insights"), dir.path());
    for folder in ["postmortems", "problems"] {
        for entry in std::fs::read_dir(dir.path().join(folder)).unwrap() {
            set_mtime(&entry.unwrap().path(), 3600);
        }
        set_mtime(&dir.path().join(folder), 3600);
    }
    dir
}

fn set_mtime(path: &Path, seconds_ago: u64) {
    let when = SystemTime::now() - Duration::from_secs(seconds_ago);
    std::fs::File::options()
        .write(!path.is_dir())
        .read(path.is_dir())
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    pirt(dir)
        .env("PIRT_TODAY", "2026-06-15")
        .args(args)
        .output()
        .unwrap()
}

/// The command ran: success, or findings (exit 1), not an error (exit 2).
fn ran(out: &Output) {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `pirt check REVIEW` finds its problem record (the one cross-file finding here).
fn finds_its_problem(dir: &Path) -> bool {
    let out = run(dir, &["check", REVIEW]);
    !text(&out.stdout).contains("dangling-reference")
}

#[test]
fn the_index_is_made_with_its_gitignore_and_shown_by_pirt_cache() {
    let dir = repo();
    ran(&run(dir.path(), &["check", REVIEW]));
    let cache = dir.path().join(".pirt/cache");
    let ignore = std::fs::read_to_string(cache.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    assert!(cache.join("index.bin").is_file());
    let shown = run(dir.path(), &["cache"]);
    assert!(
        text(&shown.stdout).starts_with(".pirt/cache: the corpus index of 6 files"),
        "{}",
        text(&shown.stdout)
    );
    // Warm: nothing is read again, and nothing is said about the index.
    let warm = run(dir.path(), &["-v", "check", REVIEW]);
    assert!(
        !text(&warm.stderr).contains("corpus index"),
        "{}",
        text(&warm.stderr)
    );
}

#[test]
fn a_changed_file_is_read_again_by_size_or_time() {
    let dir = repo();
    let problem = dir.path().join(PROBLEM);
    let original = std::fs::read_to_string(&problem).unwrap();
    assert!(finds_its_problem(dir.path()));

    // Same size, another time: read again.
    std::fs::write(&problem, original.replace("id: PRB-0001", "id: PRB-0009")).unwrap();
    set_mtime(&problem, 1800);
    assert!(!finds_its_problem(dir.path()));
    let stamp = mtime(&problem);

    // Same time, another size: read again.
    std::fs::write(&problem, original.replace("id: PRB-0001", "id: PRB-0001 ")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&problem)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    assert!(finds_its_problem(dir.path()));

    // The key is size and time: a change that keeps both is not seen (documented), and
    // --no-cache reads the file as it is.
    let size = std::fs::metadata(&problem).unwrap().len();
    let stamp = mtime(&problem);
    std::fs::write(&problem, original.replace("id: PRB-0001", "id: PRB-0007 ")).unwrap();
    assert_eq!(std::fs::metadata(&problem).unwrap().len(), size);
    std::fs::File::options()
        .write(true)
        .open(&problem)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    assert!(finds_its_problem(dir.path()));
    let fresh = run(dir.path(), &["--no-cache", "check", REVIEW]);
    assert!(text(&fresh.stdout).contains("dangling-reference"));
}

/// Checking one file asks the disk only about the files holding the ids it holds or
/// names (no `statx` of every file): an id another file took by an edit in place, its
/// folder unchanged, is seen when that file is checked, and by a check of the whole set.
#[test]
fn checking_one_file_asks_about_the_files_its_ids_rest_on() {
    let dir = repo();
    ran(&run(dir.path(), &["check", REVIEW]));
    let other = dir.path().join("postmortems/2026-05-02-dns.md");
    let original = std::fs::read_to_string(&other).unwrap();
    let folder = dir.path().join("postmortems");
    let folder_time = mtime(&folder);
    std::fs::write(
        &other,
        original.replace("id: PIR-2026-004", "id: PIR-2026-001"),
    )
    .unwrap();
    set_mtime(&other, 1800);
    assert_eq!(
        mtime(&folder),
        folder_time,
        "an edit in place leaves its folder as it was"
    );
    let one = run(dir.path(), &["check", REVIEW]);
    assert!(
        !text(&one.stdout).contains("duplicate-id"),
        "{}",
        text(&one.stdout)
    );
    for args in [
        &["check", "postmortems/2026-05-02-dns.md"][..],
        &["check"][..],
        &["--no-cache", "check", REVIEW][..],
    ] {
        let out = run(dir.path(), args);
        assert!(
            text(&out.stdout).contains("id `PIR-2026-001` is also used by"),
            "{args:?}: {}",
            text(&out.stdout)
        );
    }
    // A file added to the folder changes the folder: every file is asked about again.
    std::fs::write(&other, &original).unwrap();
    set_mtime(&other, 1800);
    let copy = std::fs::read_to_string(dir.path().join(REVIEW)).unwrap();
    std::fs::write(dir.path().join("postmortems/2026-07-01-copy.md"), copy).unwrap();
    let one = run(dir.path(), &["check", REVIEW]);
    assert!(
        text(&one.stdout).contains("postmortems/2026-07-01-copy.md"),
        "{}",
        text(&one.stdout)
    );
}

#[test]
fn a_file_gone_from_disk_is_dropped() {
    let dir = repo();
    assert!(finds_its_problem(dir.path()));
    std::fs::remove_file(dir.path().join(PROBLEM)).unwrap();
    assert!(!finds_its_problem(dir.path()));
    let shown = run(dir.path(), &["cache"]);
    assert!(
        text(&shown.stdout).contains("of 5 files"),
        "{}",
        text(&shown.stdout)
    );
}

#[test]
fn a_corrupt_index_is_rebuilt_with_a_note() {
    let dir = repo();
    ran(&run(dir.path(), &["check", REVIEW]));
    let index = dir.path().join(".pirt/cache/index.bin");
    let whole = std::fs::read(&index).unwrap();
    for broken in [
        b"not an index".to_vec(),
        whole[..whole.len() / 2].to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&index, &broken).unwrap();
        let out = run(dir.path(), &["check", REVIEW]);
        ran(&out);
        let stderr = text(&out.stderr);
        assert_eq!(
            stderr.matches("could not be read; it was rebuilt").count(),
            1,
            "{stderr}"
        );
        assert_eq!(std::fs::read(&index).unwrap(), whole);
        // Whole again: no second note.
        let again = run(dir.path(), &["check", REVIEW]);
        assert!(!text(&again.stderr).contains("rebuilt"));
    }
    std::fs::write(&index, b"garbage").unwrap();
    let quiet = run(dir.path(), &["-q", "check", REVIEW]);
    ran(&quiet);
    assert!(text(&quiet.stderr).is_empty(), "{}", text(&quiet.stderr));
}

/// The check of one file decodes only the key, the walk and the id table of the stored
/// head at first, then the entries of the files holding the ids it is about: a damaged
/// entry among those is found, and the check asks every file instead (and stores a whole
/// index again). An entry it does not look at is found by the next command that reads the
/// whole list.
#[test]
fn a_damaged_file_list_behind_a_whole_key_is_read_from_the_files() {
    let dir = repo();
    let expected = run(dir.path(), &["check", REVIEW]);
    let index = dir.path().join(".pirt/cache/index.bin");
    let whole = std::fs::read(&index).unwrap();
    let magic = b"pirt corpus index\n".len();
    let head_len = u32::from_le_bytes(whole[magic + 4..magic + 8].try_into().unwrap()) as usize;
    let head_end = magic + 8 + head_len;
    let name = Path::new(REVIEW).file_name().unwrap().to_str().unwrap();
    let at = whole[..head_end]
        .windows(name.len())
        .position(|w| w == name.as_bytes())
        .expect("the checked file's entry");
    for damage in [at..at + 1, head_end - 12..head_end] {
        let mut broken = whole.clone();
        broken[damage.clone()].fill(0xFF);
        std::fs::write(&index, &broken).unwrap();
        let out = run(dir.path(), &["check", REVIEW]);
        assert_eq!(out.status.code(), expected.status.code(), "{damage:?}");
        assert_eq!(text(&out.stdout), text(&expected.stdout), "{damage:?}");
        if damage.start == at {
            assert_eq!(std::fs::read(&index).unwrap(), whole, "{damage:?}");
        } else {
            let list = run(dir.path(), &["problem", "list"]);
            ran(&list);
            assert!(
                text(&list.stderr).contains("could not be read; it was rebuilt"),
                "{}",
                text(&list.stderr)
            );
        }
    }
}

#[test]
fn a_repository_where_the_cache_cannot_be_made_works_without_it() {
    let dir = repo();
    // `.pirt` is a file: the cache folder cannot be made (as in a read-only checkout,
    // which root, running these tests in CI, would still write to).
    std::fs::write(dir.path().join(".pirt"), "").unwrap();
    let reference = run(dir.path(), &["--no-cache", "check", REVIEW]);
    for args in [
        &["check", REVIEW][..],
        &["render", REVIEW, "--format", "html"],
        &["problem", "list"],
    ] {
        let out = run(dir.path(), args);
        ran(&out);
        assert!(
            text(&out.stderr).is_empty(),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run(dir.path(), &["check", REVIEW]);
    assert_eq!(out.stdout, reference.stdout);
    let verbose = run(dir.path(), &["-v", "check", REVIEW]);
    assert_eq!(
        text(&verbose.stderr)
            .matches("the corpus index was not saved")
            .count(),
        1,
        "{}",
        text(&verbose.stderr)
    );
    assert!(dir.path().join(".pirt").is_file());
}

#[test]
fn no_cache_gives_the_same_output_and_leaves_no_cache() {
    let dir = repo();
    let commands: &[&[&str]] = &[
        &["check", REVIEW, "--format", "json"],
        &["check", "postmortems/2026-05-02-dns.md"],
        &["render", LATER, "--format", "html"],
        &["render", REVIEW, LATER, "--format", "md"],
        &["problem", "list", "--format", "json"],
        &["problem", "list"],
    ];
    let fresh: Vec<Output> = commands
        .iter()
        .map(|args| run(dir.path(), &[&["--no-cache"][..], args].concat()))
        .collect();
    assert!(!dir.path().join(".pirt").exists());
    // Cold (the index is built), then warm (it is read).
    for _ in 0..2 {
        for (args, reference) in commands.iter().zip(&fresh) {
            let out = run(dir.path(), args);
            assert_eq!(out.status.code(), reference.status.code(), "{args:?}");
            assert_eq!(text(&out.stdout), text(&reference.stdout), "{args:?}");
            assert_eq!(text(&out.stderr), text(&reference.stderr), "{args:?}");
        }
    }
    let html = text(&fresh[2].stdout);
    assert!(
        html.contains("PIR-2026-001") && html.contains("PIR-2026-002"),
        "similar incidents were compared"
    );
}

#[test]
fn new_counts_ids_and_lists_similar_incidents_from_the_index() {
    let dir = repo();
    let new = |extra: &[&str]| {
        pirt(dir.path())
            .args(extra)
            .args([
                "new",
                "Checkout pool exhausted again",
                "--severity",
                "SEV2",
                "--service",
                "checkout-api",
                "--started",
                "2026-06-01T10:00:00Z",
                "--no-input",
            ])
            .output()
            .unwrap()
    };
    let first = new(&["--no-cache"]);
    let second = new(&[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(second.status.success(), "{}", text(&second.stderr));
    let (a, b) = (text(&first.stderr), text(&second.stderr));
    assert!(a.contains("created PIR-2026-005"), "{a}");
    // The first new review is counted and listed as similar by the second.
    assert!(b.contains("created PIR-2026-006"), "{b}");
    assert!(b.contains("PIR-2026-005"), "{b}");
    let listed = |s: &str| s.lines().filter(|l| l.contains("PIR-2026-00")).count();
    assert_eq!(listed(&b), listed(&a) + 1, "{a}\n{b}");
}

#[test]
fn cache_clean_removes_the_folder_and_says_so() {
    let dir = repo();
    ran(&run(dir.path(), &["check", REVIEW]));
    let out = run(dir.path(), &["cache", "clean"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "removed .pirt/cache (3 files)\n");
    assert!(!dir.path().join(".pirt").exists());
    let again = run(dir.path(), &["cache", "clean"]);
    assert!(again.status.success());
    assert!(text(&again.stdout).is_empty());
    assert!(text(&again.stderr).contains("no cache in .pirt/cache"));
    let shown = run(dir.path(), &["cache"]);
    assert!(text(&shown.stdout).contains("no corpus index yet"));
    // Templates beside the cache stay.
    std::fs::create_dir_all(dir.path().join(".pirt/templates")).unwrap();
    ran(&run(dir.path(), &["check", REVIEW]));
    assert!(run(dir.path(), &["cache", "clean"]).status.success());
    assert!(dir.path().join(".pirt/templates").is_dir());
}

#[test]
fn two_processes_building_the_index_at_once_both_succeed() {
    for round in 0..4 {
        let dir = repo();
        // Enough files that both processes read and write at the same time.
        for n in 0..300 {
            std::fs::write(
                dir.path().join(format!("postmortems/2025-01-01-gen-{n:03}.md")),
                format!(
                    "---\nid: PIR-2025-{n:03}\ntitle: Generated {n}\nstatus: draft\nseverity: SEV3\nstarted_at: 2025-01-01T00:00:00Z\n---\n## Summary\nText.\n"
                ),
            )
            .unwrap();
        }
        let spawn = || {
            pirt(dir.path())
                .env("PIRT_TODAY", "2026-06-15")
                .args(["check", REVIEW])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        ran(&a);
        ran(&b);
        assert_eq!(a.stdout, b.stdout);
        assert!(text(&a.stderr).is_empty() && text(&b.stderr).is_empty());
        let shown = run(dir.path(), &["cache"]);
        assert!(
            text(&shown.stdout).contains("of 306 files"),
            "round {round}: {}",
            text(&shown.stdout)
        );
        // No temporary file is left beside the index.
        let names: Vec<String> = std::fs::read_dir(dir.path().join(".pirt/cache"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}

#[test]
fn facts_survive_a_command_that_saves_the_index_without_reading_them() {
    let dir = repo();
    let render = |extra: &[&str]| {
        run(
            dir.path(),
            &[extra, &["render", LATER, "--format", "md"]].concat(),
        )
    };
    ran(&render(&[]));
    // check reads ids only; a file added makes it save the index, facts copied over.
    let before = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2026-01-20-checkout-latency.md"),
    )
    .unwrap();
    let added = dir
        .path()
        .join("postmortems/2026-03-01-checkout-slowness.md");
    std::fs::write(
        &added,
        before
            .replace("Checkout latency", "Checkout slowness")
            .replace("id: PIR-2026-002", "id: PIR-2026-009"),
    )
    .unwrap();
    set_mtime(&added, 600);
    ran(&run(dir.path(), &["check", REVIEW]));
    let warm = run(dir.path(), &["-v", "render", LATER, "--format", "md"]);
    // Only the added file is parsed for its facts.
    assert!(
        text(&warm.stderr).contains("corpus index: read 1 of 7 files"),
        "{}",
        text(&warm.stderr)
    );
    assert_eq!(text(&warm.stdout), text(&render(&["--no-cache"]).stdout));
    assert!(text(&warm.stdout).contains("Checkout slowness"));
}

/// How many files `pirt check` now sees, as the index stored them.
fn indexed(dir: &Path) -> String {
    ran(&run(dir, &["check", REVIEW]));
    let shown = text(&run(dir, &["cache"]).stdout);
    shown.split(" of ").nth(1).unwrap_or_default().to_string()
}

#[test]
fn the_stored_list_of_files_follows_new_files_and_ignore_rules() {
    let dir = repo();
    assert!(indexed(dir.path()).starts_with("6 files"));
    // The folders are old: the next run trusts the list without walking; a new file
    // changes its folder's time.
    let record = dir.path().join("problems/PRB-0003-queues.md");
    std::fs::write(&record, "---\nid: PRB-0003\ntitle: Queues\n---\n").unwrap();
    assert!(indexed(dir.path()).starts_with("7 files"));
    set_mtime(&dir.path().join("problems"), 1200);
    set_mtime(&record, 1200);
    let ignore = dir.path().join(".gitignore");
    std::fs::write(&ignore, "# nothing yet\n").unwrap();
    set_mtime(&ignore, 1200);
    assert!(indexed(dir.path()).starts_with("7 files"));
    let warm = run(dir.path(), &["-v", "check", REVIEW]);
    assert!(
        !text(&warm.stderr).contains("corpus index"),
        "{}",
        text(&warm.stderr)
    );
    // An ignore rule edited in place changes no folder's time.
    std::fs::write(&ignore, "problems/PRB-0003-queues.md\n").unwrap();
    assert!(indexed(dir.path()).starts_with("6 files"));
}

/// A reviews folder that is a symbolic link, and a file checked by its real path (as an
/// editor or a hook that resolves links names it): the file is not a duplicate of itself.
#[cfg(unix)]
#[test]
fn a_file_named_through_its_real_path_is_not_its_own_duplicate() {
    let dir = repo();
    let real = tempfile::tempdir().unwrap();
    let folder = real.path().join("postmortems");
    std::fs::rename(dir.path().join("postmortems"), &folder).unwrap();
    std::os::unix::fs::symlink(&folder, dir.path().join("postmortems")).unwrap();
    let through_link = run(dir.path(), &["check", REVIEW]);
    let file = real.path().join(REVIEW);
    for cache in [&[][..], &["--no-cache"]] {
        let args = [cache, &["check", file.to_str().unwrap()]].concat();
        let out = run(dir.path(), &args);
        assert!(
            !text(&out.stdout).contains("duplicate-id"),
            "{args:?}: {}",
            text(&out.stdout)
        );
        assert_eq!(out.status.code(), through_link.status.code(), "{args:?}");
    }
}
