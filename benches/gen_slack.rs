//! A Slack export for the import benchmark: `pirt-gen-slack DIR [MESSAGES]` writes
//! DIR/export/ (channels.json, users.json, one folder per channel of YYYY-MM-DD.json day
//! files, 4-space indented as Slack writes them) and DIR/export.zip of the same files.
//!
//! 30 channels. `#inc-checkout` is the incident channel: a tenth of the messages over three
//! days, so one day file is large; the rest spread over 29 channels and 60 days. Messages
//! look like an export's: client ids, user profiles, rich-text blocks, threads, reactions
//! (2% a `pushpin`), pins, edits, joins and bot messages. Deterministic.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "checkout",
    "p99",
    "latency",
    "pool",
    "database",
    "rollback",
    "deploy",
    "canary",
    "error",
    "rate",
    "looking",
    "into",
    "the",
    "dashboard",
    "alert",
    "fired",
    "again",
    "confirmed",
    "replica",
    "lag",
    "seconds",
    "restart",
    "pods",
    "node",
    "drained",
    "traffic",
    "shifted",
    "to",
    "us-east-2",
    "mitigated",
    "watching",
    "graphs",
    "cache",
    "hit",
    "ratio",
    "dropped",
    "queue",
    "depth",
    "growing",
    "kafka",
    "consumer",
    "stuck",
    "on",
    "partition",
    "7",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).expect("usage: pirt-gen-slack DIR [MESSAGES]"));
    let total: usize = args
        .get(2)
        .map_or(100_000, |n| n.parse().expect("MESSAGES"));
    let export = dir.join("export");
    std::fs::create_dir_all(&export).unwrap();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);

    let users: Vec<(String, String, String)> = (0..500)
        .map(|i| {
            (
                format!("U{:08X}", 0x100000 + i),
                format!("user{i}"),
                format!("User Number {i}"),
            )
        })
        .collect();
    let users_json: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, (id, name, real))| {
            json!({
                "id": id, "team_id": "T01EXAMPLE", "name": name, "deleted": false,
                "color": "9f69e7", "real_name": real, "tz": "America/Los_Angeles",
                "tz_label": "Pacific Standard Time", "tz_offset": -28800,
                "profile": {
                    "title": "Engineer", "phone": "", "skype": "", "real_name": real,
                    "real_name_normalized": real,
                    "display_name": if i % 3 == 0 { String::new() } else { name.replace("user", "u.") },
                    "display_name_normalized": "", "fields": null, "status_text": "",
                    "status_emoji": "", "status_expiration": 0,
                    "avatar_hash": format!("g{:011x}", rng.next() & 0xFFF_FFFF_FFFF),
                    "image_72": "https://secure.gravatar.com/avatar/x.jpg", "team": "T01EXAMPLE"
                },
                "is_admin": false, "is_owner": false, "is_primary_owner": false,
                "is_restricted": false, "is_ultra_restricted": false, "is_bot": false,
                "is_app_user": false, "updated": 1767225600
            })
        })
        .collect();
    write_json(&export.join("users.json"), &Value::Array(users_json));

    let mut channels = vec![("C07INC4812".to_string(), "inc-checkout".to_string())];
    for i in 1..30 {
        channels.push((format!("C{:09X}", 0x1000 + i), format!("team-{i:02}")));
    }
    let channels_json: Vec<Value> = channels
        .iter()
        .map(|(id, name)| {
            json!({
                "id": id, "name": name, "created": 1790000000, "creator": users[0].0,
                "is_archived": false, "is_general": false,
                "members": users.iter().take(40).map(|u| u.0.clone()).collect::<Vec<_>>(),
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": format!("The {name} channel"), "creator": users[0].0, "last_set": 1790000000}
            })
        })
        .collect();
    write_json(&export.join("channels.json"), &Value::Array(channels_json));

    // The incident channel: a tenth over 3 days from 2026-11-20; the rest over 60 days.
    let incident = total / 10;
    let start = 1_790_035_200_u64; // 2026-09-22T00:00:00Z
    let incident_start = 1_795_132_800_u64; // 2026-11-20T00:00:00Z
    for (c, (id, name)) in channels.iter().enumerate() {
        let (count, from, days) = if c == 0 {
            (incident, incident_start, 3)
        } else {
            ((total - incident) / 29, start, 60)
        };
        let folder = export.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        let step = days * 86_400 / count.max(1) as u64;
        let mut by_day: Vec<Vec<Value>> = vec![Vec::new(); days as usize];
        let mut thread: Option<String> = None;
        for n in 0..count {
            let secs = from + n as u64 * step + rng.below(step.max(1));
            let ts = format!("{secs}.{:06}", n % 1_000_000);
            let user = &users[rng.below(40) as usize];
            let message = message(&mut rng, id, &ts, user, &mut thread);
            by_day[((secs - from) / 86_400) as usize].push(message);
        }
        for (d, messages) in by_day.into_iter().enumerate() {
            if messages.is_empty() {
                continue;
            }
            let day =
                chrono::DateTime::from_timestamp((from + d as u64 * 86_400) as i64, 0).unwrap();
            write_json(
                &folder.join(format!("{}.json", day.format("%Y-%m-%d"))),
                &Value::Array(messages),
            );
        }
    }
    zip_folder(&export, &dir.join("export.zip"));
    eprintln!(
        "wrote {} messages over {} channels to {}",
        total,
        channels.len(),
        export.display()
    );
}

fn message(
    rng: &mut Rng,
    channel: &str,
    ts: &str,
    user: &(String, String, String),
    thread: &mut Option<String>,
) -> Value {
    let roll = rng.below(1000);
    if roll < 10 {
        return json!({"type": "message", "subtype": "channel_join", "ts": ts, "user": user.0,
            "text": format!("<@{}> has joined the channel", user.0)});
    }
    if roll < 40 {
        return json!({"type": "message", "subtype": "bot_message", "ts": ts, "bot_id": "B01GRAFANA",
            "username": "Grafana", "text": "",
            "attachments": [{"id": 1, "color": "D63232", "fallback": "[FIRING:1] CheckoutP99High",
                "title": "[FIRING:1] CheckoutP99High checkout", "title_link": "https://grafana.example.com/alerting/list",
                "text": "p99 latency is 2.41s on checkout-api", "footer": "Grafana v11.3.0"}]});
    }
    let n = 6 + rng.below(20);
    let mut words: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
    if rng.below(10) == 0 {
        words.insert(0, "<!here>");
    }
    let mention = format!("<@{}>", user.0);
    if rng.below(5) == 0 {
        words.insert(1, &mention);
    }
    let mut text = words.join(" ");
    if rng.below(8) == 0 {
        text.push_str(
            " <https://grafana.example.com/d/checkout?orgId=1&amp;from=now-1h|dashboard>",
        );
    }
    let mut m = json!({
        "client_msg_id": format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", rng.next() as u32,
            rng.below(0xFFFF), rng.below(0xFFF), rng.below(0xFFF), rng.next() & 0xFFFF_FFFF_FFFF),
        "type": "message",
        "text": text,
        "user": user.0,
        "ts": ts,
        "team": "T01EXAMPLE",
        "user_team": "T01EXAMPLE",
        "source_team": "T01EXAMPLE",
        "user_profile": {
            "avatar_hash": "g1a2b3c4d5e6", "image_72": "https://secure.gravatar.com/avatar/x.jpg",
            "first_name": "User", "real_name": user.2, "display_name": user.1,
            "team": "T01EXAMPLE", "name": user.1, "is_restricted": false, "is_ultra_restricted": false
        },
        "blocks": [{"type": "rich_text", "block_id": format!("{:05x}", rng.below(0xFFFFF)),
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": words.join(" ")}]}]}]
    });
    let o = m.as_object_mut().unwrap();
    match (rng.below(10), thread.as_ref()) {
        (0, _) => {
            o.insert("thread_ts".into(), json!(ts));
            o.insert("reply_count".into(), json!(3));
            o.insert("reply_users_count".into(), json!(2));
            o.insert("latest_reply".into(), json!(ts));
            o.insert("reply_users".into(), json!([user.0]));
            *thread = Some(ts.to_string());
        }
        (1..=2, Some(parent)) => {
            o.insert("thread_ts".into(), json!(parent));
            o.insert("parent_user_id".into(), json!(user.0));
        }
        _ => {}
    }
    let r = rng.below(100);
    if r < 2 {
        o.insert(
            "reactions".into(),
            json!([{"name": "pushpin", "users": [user.0], "count": 1}]),
        );
    } else if r < 12 {
        o.insert("reactions".into(), json!([{"name": "eyes", "users": [user.0], "count": 1}, {"name": "+1::skin-tone-2", "users": [user.0], "count": 1}]));
    }
    if rng.below(200) == 0 {
        o.insert("pinned_to".into(), json!([channel]));
    }
    if rng.below(20) == 0 {
        o.insert("edited".into(), json!({"user": user.0, "ts": ts}));
    }
    m
}

fn write_json(path: &Path, value: &Value) {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut ser).unwrap();
    out.push(b'\n');
    std::fs::write(path, out).unwrap();
}

fn zip_folder(dir: &Path, into: &Path) {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(
        std::fs::File::create(into).unwrap(),
    ));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    let mut files: Vec<_> = walk(dir);
    files.sort();
    for file in files {
        let name = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
