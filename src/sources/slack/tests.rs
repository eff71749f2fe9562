use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use super::*;
use crate::config::SlackImport;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/slack")
}

fn options(channel: Option<&str>) -> Options {
    let mut slack = SlackImport::default();
    slack
        .kinds
        .insert("rotating_light".into(), EntryKind::Detection);
    slack
        .kinds
        .insert(":white_check_mark:".into(), EntryKind::Resolution);
    slack.kinds.insert("Rollback".into(), EntryKind::Mitigation);
    slack.kinds.insert("confirmed".into(), EntryKind::Diagnosis);
    Options {
        channel: channel.map(str::to_string),
        all: false,
        slack,
    }
}

/// What a person reviews: one line per record, then the summary, skips and problems.
fn shown(export: &Export) -> String {
    let mut out = format!("{}\n", export.what);
    for r in &export.records {
        let _ = writeln!(
            out,
            "{} {:<10} {}  [{}]\n    {}",
            r.at.to_rfc3339(),
            r.kind.to_string(),
            r.source,
            r.origin,
            r.text
        );
    }
    for (what, n) in &export.skipped {
        let _ = writeln!(out, "skipped {n}: {}", what.of(*n));
    }
    for p in &export.problems {
        let _ = writeln!(out, "problem: {p}");
    }
    out
}

/// The messages of one day file (a bare JSON list), read as an API response would be.
fn day(json: &str, options: &Options) -> Export {
    read_api(json.as_bytes(), "day.json", "day.json", options).unwrap()
}

fn texts(export: &Export) -> Vec<&str> {
    export.records.iter().map(|r| r.text.as_str()).collect()
}

/// The fixture export zipped as Slack ships it (deflated, no folder entries), under `prefix`.
fn zip_of(dir: &Path, into: &Path, prefix: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(into).unwrap());
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for day in std::fs::read_dir(&path).unwrap() {
                files.push(day.unwrap().path());
            }
        } else {
            files.push(path);
        }
    }
    files.sort();
    for file in files {
        let name = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(format!("{prefix}{name}"), deflated).unwrap();
        zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

fn zip_with(into: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(into).unwrap());
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn the_fixture_export_reads_as_a_reviewer_expects() {
    let export = read(&fixture().join("export"), &options(Some("inc-checkout"))).unwrap();
    insta::assert_snapshot!(shown(&export));
}

#[test]
fn the_zip_reads_like_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    zip_of(&fixture().join("export"), &path, "");
    let folder = read(&fixture().join("export"), &options(Some("inc-checkout"))).unwrap();
    let zipped = read(&path, &options(Some("inc-checkout"))).unwrap();
    assert_eq!(zipped, folder);
    // Zipped inside one more folder, as a person re-zipping the unpacked export does.
    zip_of(
        &fixture().join("export"),
        &path,
        "Example Slack export Nov 20 2026/",
    );
    let wrapped = read(&path, &options(Some("#inc-checkout"))).unwrap();
    assert_eq!(wrapped.records, folder.records);
}

#[test]
fn the_api_response_reads_with_and_without_channel() {
    let path = fixture().join("history.json");
    let export = read(&path, &options(Some("C07INC4812"))).unwrap();
    insta::assert_snapshot!(shown(&export));
    let unknown = read(&path, &options(None)).unwrap();
    assert!(unknown.what.contains("channel unknown"), "{}", unknown.what);
    assert_eq!(unknown.records[0].source, "slack:UNKNOWN/1795218000.001000");
}

#[test]
fn an_api_error_response_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.json");
    std::fs::write(&path, r#"{"ok": false, "error": "channel_not_found"}"#).unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert!(
        err.ends_with("the Slack API answered an error: channel_not_found"),
        "{err}"
    );
    std::fs::write(&path, r#"{"ok": true, "channels": []}"#).unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert!(err.contains("no `messages` list"), "{err}");
}

#[test]
fn channel_is_picked_by_name_hash_name_or_id() {
    let export = fixture().join("export");
    for wanted in ["inc-checkout", "#inc-checkout", "C07INC4812", "c07inc4812"] {
        let got = read(&export, &options(Some(wanted))).unwrap();
        assert!(
            got.what.contains("#inc-checkout (C07INC4812)"),
            "{wanted}: {}",
            got.what
        );
    }
    let general = read(&export, &options(Some("#general"))).unwrap();
    assert_eq!(
        texts(&general),
        ["María García: Heads up: checkout is degraded, follow #inc-checkout"]
    );
    let err = read(&export, &options(Some("#nope"))).unwrap_err();
    assert!(
        err.ends_with(
            "no channel `#nope` in the export; it has #deploys (C02DEPLOYS), \
             #general (C01GENERAL), #inc-checkout (C07INC4812)"
        ),
        "{err}"
    );
}

#[test]
fn several_channels_without_channel_is_an_error_listing_them() {
    let err = read(&fixture().join("export"), &options(None)).unwrap_err();
    assert!(
        err.ends_with(
            "the export holds 3 channels with messages; pick one with --channel NAME: \
             #deploys (C02DEPLOYS), #general (C01GENERAL), #inc-checkout (C07INC4812)"
        ),
        "{err}"
    );
}

#[test]
fn a_single_channel_is_taken_without_channel_and_users_json_may_be_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    let day = br#"[{"type": "message", "user": "U01LIWEI", "text": "hi <@U02MARIA>", "ts": "1795215090.000400", "pinned_to": ["C1"]}]"#;
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", day),
        ],
    );
    let export = read(&path, &options(None)).unwrap();
    assert_eq!(texts(&export), ["U01LIWEI: hi @U02MARIA"]);
    assert_eq!(export.what, "a Slack export, channel #ops (C1), 1 message");
    assert_eq!(export.records[0].source, "slack:C1/1795215090.000400");
    assert_eq!(export.records[0].origin, "ops/2026-11-20.json:1");
}

#[test]
fn backslashes_in_zip_names_separate_folders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    let day = br#"[{"user": "U1", "text": "hi", "ts": "1795215090.000400", "pinned_to": ["C1"]}]"#;
    zip_with(
        &path,
        &[
            ("export\\channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("export\\ops\\2026-11-20.json", day),
        ],
    );
    let export = read(&path, &options(None)).unwrap();
    assert_eq!(texts(&export), ["U1: hi"]);
    assert_eq!(export.records[0].origin, "ops/2026-11-20.json:1");
}

#[test]
fn paths_that_leave_the_export_are_ignored_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    let day =
        br#"[{"user": "U1", "text": "real", "ts": "1795215090.000400", "pinned_to": ["C1"]}]"#;
    let evil =
        br#"[{"user": "U1", "text": "evil", "ts": "1795215090.000400", "pinned_to": ["C1"]}]"#;
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("../channels.json", br#"[{"id": "C9", "name": "evil"}]"#),
            ("ops/2026-11-20.json", day),
            ("../ops/2026-11-21.json", evil),
            ("ops/../evil/2026-11-21.json", evil),
            ("/ops/2026-11-22.json", evil),
        ],
    );
    let export = read(&path, &options(None)).unwrap();
    assert_eq!(texts(&export), ["U1: real"]);
    assert_eq!(
        export.problems,
        [format!(
            "{}: 4 entries with paths outside the export (`../`, `/`) were ignored",
            path.display()
        )]
    );
}

#[test]
fn malformed_json_in_a_member_names_the_member_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            (
                "ops/2026-11-20.json",
                b"[\n  {\"ts\": \"1.0\",\n   \"text\" \"x\"}\n]",
            ),
        ],
    );
    let err = read(&path, &options(None)).unwrap_err();
    assert_eq!(
        err,
        format!("{}:ops/2026-11-20.json:3:11: expected `:`", path.display())
    );
    // A wrong type is an error at its place too.
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", b"[{\"ts\": 1795215090.0004}]"),
        ],
    );
    let err = read(&path, &options(None)).unwrap_err();
    assert!(
        err.starts_with(&format!(
            "{}:ops/2026-11-20.json:1:23: invalid type",
            path.display()
        )),
        "{err}"
    );
    // A day file that is not a list.
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", br#"{"messages": []}"#),
        ],
    );
    let err = read(&path, &options(None)).unwrap_err();
    assert!(
        err.contains("ops/2026-11-20.json:1:1: invalid type: map, expected a list of messages"),
        "{err}"
    );
    // In a folder, the file's path.
    let folder = dir.path().join("export");
    std::fs::create_dir_all(folder.join("ops")).unwrap();
    std::fs::write(folder.join("channels.json"), "[{\"id\": \"C1\",}]").unwrap();
    let err = read(&folder, &options(None)).unwrap_err();
    assert!(
        err.starts_with(&format!("{}/channels.json:1:14: ", folder.display())),
        "{err}"
    );
}

#[test]
fn a_message_without_ts_is_a_problem_with_its_line() {
    let export = day(
        "[\n{\"user\": \"U1\", \"text\": \"a\", \"ts\": \"1795215090.0004\", \"pinned_to\": [\"C1\"]},\n\
         {\"user\": \"U1\", \"text\": \"no time\", \"pinned_to\": [\"C1\"]},\n\
         {\"user\": \"U1\", \"text\": \"bad time\", \"ts\": \"soon\"}\n]",
        &options(Some("C1")),
    );
    assert_eq!(texts(&export), ["U1: a"]);
    assert_eq!(
        export.problems,
        [
            "day.json:3: a message without a timestamp (`ts`)",
            "day.json:4: a message with an unreadable `ts` `soon`"
        ]
    );
}

#[test]
fn a_zip_declaring_more_than_the_bound_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", b"[]"),
        ],
    );
    // Declare 3 GiB for the day file, in its central directory and local header.
    let mut bytes = std::fs::read(&path).unwrap();
    patch_sizes(&mut bytes, "ops/2026-11-20.json", 3 << 30);
    std::fs::write(&path, &bytes).unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert_eq!(
        err,
        format!(
            "{}: the zip declares 3.0 GiB uncompressed, more than the 2.0 GiB pirt reads \
             from a Slack export; refused as a possible zip bomb",
            path.display()
        )
    );
}

#[test]
fn a_member_decompressing_to_more_than_it_declares_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    let zeros = vec![b' '; 4 << 20];
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", &zeros),
        ],
    );
    let mut bytes = std::fs::read(&path).unwrap();
    patch_sizes(&mut bytes, "ops/2026-11-20.json", 1000);
    std::fs::write(&path, &bytes).unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert!(
        err.starts_with(&format!("{}:ops/2026-11-20.json: ", path.display())),
        "{err}"
    );
    assert!(err.contains("refused") || err.contains("size"), "{err}");
    // A member larger than the bound for one file, honestly declared.
    zip_with(
        &path,
        &[
            ("channels.json", br#"[{"id": "C1", "name": "ops"}]"#),
            ("ops/2026-11-20.json", &zeros),
        ],
    );
    let limits = Limits {
        entry: 1 << 20,
        ..Limits::default()
    };
    let err = read_with(&path, &options(None), limits).unwrap_err();
    assert_eq!(
        err,
        format!(
            "{}:ops/2026-11-20.json: 4 MiB uncompressed is more than the 1 MiB pirt reads \
             of one file (2.0 GiB in all); refused",
            path.display()
        )
    );
}

#[test]
fn a_zip_with_too_many_entries_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.zip");
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(
        std::fs::File::create(&path).unwrap(),
    ));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..=100_000 {
        zip.start_file(format!("c/{i}"), stored).unwrap();
    }
    zip.finish().unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert_eq!(
        err,
        format!(
            "{}: the zip has 100001 entries, more than the 100000 pirt reads \
             (a Slack export has one file per channel and day); refused",
            path.display()
        )
    );
}

#[test]
fn not_a_zip_nor_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    std::fs::write(&path, b"PK\x03\x04 truncated").unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert!(err.contains("not a readable zip archive"), "{err}");
    std::fs::write(&path, b"time,text\n14:00,hi\n").unwrap();
    let err = read(&path, &options(None)).unwrap_err();
    assert!(err.contains("not a Slack export"), "{err}");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = read(&empty, &options(None)).unwrap_err();
    assert!(
        err.contains("not a Slack export: no channels.json"),
        "{err}"
    );
    let err = read(&dir.path().join("missing"), &options(None)).unwrap_err();
    assert!(err.contains("missing"), "{err}");
}

/// Sets the uncompressed size of `name` in its local header and central directory entry.
fn patch_sizes(bytes: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (size_at, len_at, name_at) = match &bytes[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => (22, 26, 30),
            [0x50, 0x4b, 0x01, 0x02] => (24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([bytes[at + len_at], bytes[at + len_at + 1]]);
        if at + name_at + len as usize > bytes.len() {
            continue;
        }
        if &bytes[at + name_at..at + name_at + len as usize] == name.as_bytes() {
            bytes[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "patched the local header and the central entry");
}

const PERSON: &str = r#""type": "message", "user": "U1", "ts": "1795215090.000400""#;

fn one(fields: &str, options: &Options) -> Export {
    day(&format!("[{{{PERSON}, {fields}}}]"), options)
}

#[test]
fn by_default_pinned_messages_and_configured_reactions_are_taken() {
    let o = options(Some("C1"));
    assert_eq!(
        texts(&one(r#""text": "p", "pinned_to": ["C1"]"#, &o)),
        ["U1: p"]
    );
    let reacted = r#""text": "r", "reactions": [{"name": "pushpin", "users": ["U2"], "count": 1}]"#;
    assert_eq!(texts(&one(reacted, &o)), ["U1: r"]);
    let toned = r#""text": "t", "reactions": [{"name": "pushpin::skin-tone-2", "users": ["U2"], "count": 1}]"#;
    assert_eq!(texts(&one(toned, &o)), ["U1: t"]);
    let other = one(
        r#""text": "o", "pinned_to": [], "reactions": [{"name": "eyes", "users": ["U2"], "count": 1}]"#,
        &o,
    );
    assert!(other.records.is_empty());
    assert_eq!(
        skips(&other),
        [(
            "message neither pinned nor marked :pushpin: (--all takes it)".to_string(),
            1
        )]
    );
    let mut eyes = o.clone();
    eyes.slack.reactions = vec![":eyes:".into(), "rotating_light".into()];
    assert_eq!(
        texts(&one(
            r#""text": "o", "reactions": [{"name": "eyes"}]"#,
            &eyes
        )),
        ["U1: o"]
    );
}

#[test]
fn all_takes_every_message_a_person_wrote_and_bots_only_with_include_bots() {
    let json = r#"[
        {"user": "U1", "text": "person", "ts": "1795215090.000100"},
        {"subtype": "bot_message", "bot_id": "B1", "username": "Grafana", "text": "alert", "ts": "1795215090.000200"},
        {"bot_id": "B2", "user": "U9", "bot_profile": {"name": "Deploy Bot"}, "text": "deployed", "ts": "1795215090.000300"},
        {"subtype": "channel_join", "user": "U1", "text": "<@U1> has joined the channel", "ts": "1795215090.000400"},
        {"subtype": "channel_topic", "user": "U1", "text": "set the topic", "ts": "1795215090.000500"},
        {"subtype": "pinned_item", "user": "U1", "text": "pinned", "ts": "1795215090.000600"},
        {"subtype": "tombstone", "hidden": true, "user": "USLACKBOT", "text": "This message was deleted.", "ts": "1795215090.000700"},
        {"subtype": "thread_broadcast", "user": "U2", "text": "broadcast", "thread_ts": "1795215090.000100", "ts": "1795215090.000800"},
        {"subtype": "me_message", "user": "U2", "text": "waves", "ts": "1795215090.000900"}
    ]"#;
    let mut o = options(Some("C1"));
    o.all = true;
    let export = day(json, &o);
    assert_eq!(texts(&export), ["U1: person", "U2: broadcast", "U2: waves"]);
    let skipped: Vec<(&str, usize)> = export.skipped.iter().map(|(w, n)| (w.of(*n), *n)).collect();
    assert_eq!(
        skipped,
        [
            (
                "bot messages (--all with include_bots = true takes them)",
                2
            ),
            ("join, leave or archival", 1),
            ("topic, purpose or name change", 1),
            ("`pinned_item` message", 1),
            ("deleted or hidden message", 1),
        ]
    );
    o.slack.include_bots = true;
    let export = day(json, &o);
    assert_eq!(
        texts(&export),
        [
            "U1: person",
            "Grafana: alert",
            "Deploy Bot: deployed",
            "U2: broadcast",
            "U2: waves"
        ]
    );
    // include_bots without --all takes no bot message, pinned or not.
    o.all = false;
    let pinned_bot = r#"[{"subtype": "bot_message", "bot_id": "B1", "text": "a", "ts": "1.0", "pinned_to": ["C1"]}]"#;
    assert!(day(pinned_bot, &o).records.is_empty());
}

#[test]
fn thread_replies_are_taken_with_their_own_time() {
    let json = r#"[
        {"user": "U1", "text": "parent", "ts": "1795215090.000400", "thread_ts": "1795215090.000400", "reply_count": 1, "replies": [{"user": "U2", "ts": "1795215482.000500"}]},
        {"user": "U2", "text": "reply", "ts": "1795215482.000500", "thread_ts": "1795215090.000400", "parent_user_id": "U1", "pinned_to": ["C1"]}
    ]"#;
    let export = day(json, &options(Some("C1")));
    assert_eq!(texts(&export), ["U2: reply"]);
    assert_eq!(
        export.records[0].at.to_rfc3339(),
        "2026-11-20T22:58:02+00:00"
    );
    assert_eq!(export.records[0].source, "slack:C1/1795215482.000500");
    assert_eq!(export.records[0].origin, "day.json:3");
}

#[test]
fn edited_messages_keep_their_current_text() {
    let e = one(
        r#""text": "Rolled back to v2.30", "edited": {"user": "U1", "ts": "1795215990.000000"}, "pinned_to": ["C1"]"#,
        &options(Some("C1")),
    );
    assert_eq!(texts(&e), ["U1: Rolled back to v2.30"]);
    assert_eq!(e.records[0].at.to_rfc3339(), "2026-11-20T22:51:30+00:00");
}

#[test]
fn names_come_from_users_then_profiles_then_ids() {
    let json = r#"[
        {"user": "U1", "text": "hi <@U2>", "ts": "1.0", "pinned_to": ["C1"]},
        {"user": "U2", "text": "yo", "ts": "2.0", "pinned_to": ["C1"], "user_profile": {"display_name": "", "real_name": "Sam O", "name": "samo"}},
        {"user": "U3", "text": "hey", "ts": "3.0", "pinned_to": ["C1"], "user_profile": {"display_name": "kim", "real_name": "Kim L"}}
    ]"#;
    assert_eq!(
        texts(&day(json, &options(Some("C1")))),
        ["U1: hi @Sam O", "Sam O: yo", "kim: hey"]
    );
    let user = |json: &str| {
        serde_json::from_str::<User>(json)
            .unwrap()
            .name()
            .map(str::to_string)
    };
    assert_eq!(
        user(
            r#"{"id": "U1", "name": "liwei", "real_name": "Li Wei", "profile": {"display_name": "li.wei", "real_name": "Li Wei"}}"#
        ),
        Some("li.wei".into())
    );
    assert_eq!(
        user(
            r#"{"id": "U1", "name": "liwei", "profile": {"display_name": " ", "real_name": "Li Wei"}}"#
        ),
        Some("Li Wei".into())
    );
    assert_eq!(
        user(r#"{"id": "U1", "name": "liwei", "profile": {}}"#),
        Some("liwei".into())
    );
    assert_eq!(user(r#"{"id": "U1"}"#), None);
}

#[test]
fn files_and_attachments_are_mentioned_when_the_text_is_empty() {
    let o = options(Some("C1"));
    let file = one(
        r#""text": "", "files": [{"id": "F1", "name": "heap.txt", "title": "heap"}], "pinned_to": ["C1"]"#,
        &o,
    );
    assert_eq!(texts(&file), ["U1: shared a file: heap.txt"]);
    let files = one(
        r#""text": "", "files": [{"name": "a.png"}, {"title": "b"}], "pinned_to": ["C1"]"#,
        &o,
    );
    assert_eq!(texts(&files), ["U1: shared 2 files: a.png, b"]);
    let with_text = one(
        r#""text": "see this", "files": [{"name": "a.png"}], "pinned_to": ["C1"]"#,
        &o,
    );
    assert_eq!(texts(&with_text), ["U1: see this"]);
    let attached = one(
        r#""text": "", "attachments": [{"fallback": "[FIRING:1] p99 &gt; 2s"}], "pinned_to": ["C1"]"#,
        &o,
    );
    assert_eq!(
        texts(&attached),
        ["U1: shared an attachment: [FIRING:1] p99 > 2s"]
    );
    let empty = one(r#""text": "  ", "pinned_to": ["C1"]"#, &o);
    assert!(empty.records.is_empty());
    assert_eq!(skips(&empty), [("empty message".to_string(), 1)]);
}

#[test]
fn kinds_come_from_a_reaction_else_the_leading_word() {
    let o = options(Some("C1"));
    let kind = |fields: &str| one(fields, &o).records[0].kind;
    assert_eq!(
        kind(r#""text": "Rollback: started", "pinned_to": ["C1"]"#),
        EntryKind::Mitigation
    );
    assert_eq!(
        kind(r#""text": "ROLLBACK started", "pinned_to": ["C1"]"#),
        EntryKind::Mitigation
    );
    assert_eq!(
        kind(r#""text": "we rollback", "pinned_to": ["C1"]"#),
        EntryKind::Note
    );
    assert_eq!(
        kind(
            r#""text": "Rollback done", "reactions": [{"name": "white_check_mark"}, {"name": "pushpin"}]"#
        ),
        EntryKind::Resolution
    );
    assert_eq!(
        kind(r#""text": "p99 up", "reactions": [{"name": "pushpin"}, {"name": "rotating_light"}]"#),
        EntryKind::Detection
    );
}

#[test]
fn the_source_is_the_permalink_when_the_message_has_one() {
    let e = one(
        r#""text": "x", "pinned_to": ["C1"], "permalink": "https://example.slack.com/archives/C1/p1795215090000400""#,
        &options(Some("C1")),
    );
    assert_eq!(
        e.records[0].source,
        "https://example.slack.com/archives/C1/p1795215090000400"
    );
}

#[test]
fn timestamps_are_utc_whole_seconds() {
    let at = |ts: &str| parse_ts(ts).map(|t| t.to_rfc3339());
    assert_eq!(
        at("1795215090.000400"),
        Some("2026-11-20T22:51:30+00:00".into())
    );
    assert_eq!(at("1795215090"), Some("2026-11-20T22:51:30+00:00".into()));
    assert_eq!(
        at("1795215090.999999"),
        Some("2026-11-20T22:51:30+00:00".into())
    );
    for bad in [
        "",
        "soon",
        "-1.0",
        "1.",
        ".5",
        "1e9",
        "99999999999999.0",
        "253402300800.0",
    ] {
        assert_eq!(at(bad), None, "{bad}");
    }
}

#[test]
fn element_lines_count_lines_outside_strings() {
    let json = b"[\n {\"a\": \"[{\\\"\\n\"},\n\n {\"b\": [1,\n 2]}, \"s\", 3\n]";
    assert_eq!(element_lines(json, 0), [2, 4, 5, 5]);
    assert_eq!(element_lines(b"[]", 0), Vec::<usize>::new());
    let object = b"{\"ok\": true, \"x\": {\"messages\": 1},\n \"messages\" :\n [ {}, {} ]}";
    let at = key_value(object, 0, b"messages").unwrap();
    assert_eq!(element_lines(object, at), [3, 3]);
}

#[test]
fn day_files_and_roots_are_recognised() {
    assert!(is_day_file("2026-11-20.json"));
    for not in [
        "2026-11-20.jsonl",
        "2026-1-20.json",
        "users.json",
        "2026_11_20.json",
    ] {
        assert!(!is_day_file(not), "{not}");
    }
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(root_of(&names(&["channels.json", "a/channels.json"])), "");
    assert_eq!(
        root_of(&names(&["x/users.json", "x/ops/2026-11-20.json"])),
        "x/"
    );
    assert_eq!(
        root_of(&names(&["../channels.json", "x/channels.json"])),
        "x/"
    );
}

#[test]
fn private_channels_dms_and_unlisted_folders_are_channels_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    let day = |text: &str| {
        format!(
            r#"[{{"user": "U1", "text": "{text}", "ts": "1795215090.000400", "pinned_to": ["X"]}}]"#
        )
    };
    let (private, dm, unlisted) = (day("private"), day("dm"), day("unlisted"));
    zip_with(
        &path,
        &[
            ("channels.json", b"[]"),
            (
                "groups.json",
                br#"[{"id": "G01SECRET", "name": "sec-incident", "members": ["U1"]}]"#,
            ),
            (
                "dms.json",
                br#"[{"id": "D01LIWEI", "created": 1795215090, "members": ["U1", "U2"]}]"#,
            ),
            ("sec-incident/2026-11-20.json", private.as_bytes()),
            ("D01LIWEI/2026-11-20.json", dm.as_bytes()),
            ("scratch/2026-11-20.json", unlisted.as_bytes()),
        ],
    );
    let err = read(&path, &options(None)).unwrap_err();
    assert!(err.ends_with("3 channels with messages; pick one with --channel NAME: #scratch, #sec-incident (G01SECRET), D01LIWEI"), "{err}");
    let private = read(&path, &options(Some("#sec-incident"))).unwrap();
    assert_eq!(texts(&private), ["U1: private"]);
    assert_eq!(
        private.records[0].source,
        "slack:G01SECRET/1795215090.000400"
    );
    let dm = read(&path, &options(Some("D01LIWEI"))).unwrap();
    assert_eq!(texts(&dm), ["U1: dm"]);
    assert_eq!(dm.what, "a Slack export, channel D01LIWEI, 1 message");
    let unlisted = read(&path, &options(Some("scratch"))).unwrap();
    assert_eq!(texts(&unlisted), ["U1: unlisted"]);
}

/// What was left out, each said as its count reads (`1 empty message`).
fn skips(export: &Export) -> Vec<(String, usize)> {
    export
        .skipped
        .iter()
        .map(|(w, n)| (w.of(*n).to_string(), *n))
        .collect()
}
