#!/usr/bin/env bash
# Times reading a PagerDuty log of N entries (default 10000: pages of 100 as JSON lines,
# entry shapes as GET /incidents/{id}/log_entries returns them, a quarter of them notify
# entries) beside `python3 -c 'import json; json.load(...)'` of the same file as one JSON
# array, and the peak RSS of each against the file's size. The reader is timed through
# pirt-read-export (the reader alone: what `pirt timeline import` spends before writing),
# and the whole import through `pirt timeline import` on a fresh copy of a review per run
# (hyperfine --prepare), once with --dry-run (read, plan, print) and once writing (the
# entries inserted, each edit parsed again and proved, the file written atomically).
#
#   benches/import-pagerduty.sh [N]        needs hyperfine, python3 and GNU time
#   NO_BUILD=1 benches/import-pagerduty.sh     uses target/release as it is (no cargo build)
#   BIN_DIR=target/debug NO_BUILD=1 RUNS=2 benches/import-pagerduty.sh 1000   checks the script
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --features bench-tools --bin pirt-read-export --bin pirt
dir=${BIN_DIR:-$PWD/target/release}
bin=$dir/pirt-read-export
pirt=$dir/pirt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work" <<'PY'
import json, sys, random
n, work = int(sys.argv[1]), sys.argv[2]
random.seed(12)
types = ["notify_log_entry"] * 5 + ["annotate_log_entry"] * 4 + ["assign_log_entry", "escalate_log_entry",
         "acknowledge_log_entry", "delegate_log_entry", "trigger_log_entry", "resolve_log_entry",
         "priority_change_log_entry", "snooze_log_entry", "urgency_change_log_entry", "reach_trigger_limit_log_entry"]
inc = {"id": "PT4KHLK", "type": "incident_reference", "summary": "[#1234] Checkout p99 latency above 2s",
       "self": "https://api.pagerduty.com/incidents/PT4KHLK", "html_url": "https://acme.pagerduty.com/incidents/PT4KHLK"}
def user(i):
    return {"id": "PU%05d" % i, "type": "user_reference", "summary": "Responder %d" % i,
            "self": "https://api.pagerduty.com/users/PU%05d" % i, "html_url": "https://acme.pagerduty.com/users/PU%05d" % i}
entries = []
for i in range(n):
    t = types[i % len(types)]
    at = "2026-11-%02dT%02d:%02d:%02dZ" % (20 + i // 86400 % 8, i // 3600 % 24, i // 60 % 60, i % 60)
    e = {"id": "R%013d" % i, "type": t, "summary": "%s by Responder %d" % (t.split("_")[0].title(), i % 40),
         "self": "https://api.pagerduty.com/log_entries/R%013d?incident_id=PT4KHLK" % i,
         "html_url": "https://acme.pagerduty.com/incidents/PT4KHLK/log_entries/R%013d" % i,
         "created_at": at, "agent": user(i % 40), "incident": inc, "teams": [], "contexts": [],
         "service": {"id": "PIJ90N7", "type": "service_reference", "summary": "checkout-api"}}
    if t == "annotate_log_entry":
        e["channel"] = {"type": "note", "summary": "Looked at dashboard %d: p99 is %d ms, \"error\" rate %d%%\nnext step: roll back" % (i, random.randint(200, 3000), random.randint(0, 30))}
    elif t == "trigger_log_entry":
        e["channel"] = {"type": "api", "summary": "Checkout p99 latency above 2s", "details": {"p99_ms": 2412, "hosts": ["checkout-%d" % k for k in range(8)]}}
    else:
        e["channel"] = {"type": "website"}
    if t in ("assign_log_entry", "escalate_log_entry", "delegate_log_entry"):
        e["assignees"] = [user((i + k) % 40) for k in range(2)]
    if t == "notify_log_entry":
        e["user"] = user(i % 40)
        e["notification"] = {"type": "sms_notification", "status": "success", "address": "+49151%07d" % i}
    entries.append(e)
with open(work + "/log.jsonl", "w") as f:
    for p in range(0, n, 100):
        f.write(json.dumps({"log_entries": entries[p:p + 100], "limit": 100, "offset": p, "more": p + 100 < n, "total": None}) + "\n")
with open(work + "/log.json", "w") as f:
    json.dump(entries, f)
PY
# The review the log belongs to: the generated entries fall on 2026-11-20 from 00:00 UTC
# (one a second), the window is an hour either side of started_at .. resolved_at.
last_day=$(( (n - 1) / 86400 % 8 + 20 ))
cat > "$work/review.md" <<MD
---
id: PIR-2026-099
title: Checkout p99 latency above 2s
status: draft
severity: SEV2
started_at: 2026-11-20T00:00:00Z
resolved_at: 2026-11-${last_day}T23:59:59Z
timeline:
  - at: 2026-11-20T00:00:00Z
    kind: trigger
    text: Deploy 4907 reaches the checkout pods.
---

## Summary

A generated review for the benchmark.
MD
size=$(stat -c %s "$work/log.jsonl")
"$bin" pagerduty "$work/log.jsonl"
import="$pirt timeline import $work/copy.md --from $work/log.jsonl --format pagerduty -q"
prepare="cp $work/review.md $work/copy.md"
export PIRT_NOW=2026-12-01T00:00:00Z
hyperfine --style none --warmup 2 --runs "$runs" --export-json "$work/t.json" --prepare "$prepare" \
  -n "pirt reader, $n entries" "$bin pagerduty $work/log.jsonl" \
  -n "pirt timeline import --dry-run" "$import --dry-run >/dev/null" \
  -n "pirt timeline import (writes)" "$import" \
  -n "python3 json.load" "python3 -c 'import json; json.load(open(\"$work/log.json\"))'" >/dev/null
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
pirt_kb=$(rss "$bin" pagerduty "$work/log.jsonl")
cp "$work/review.md" "$work/copy.md"
dry_kb=$(rss $import --dry-run)
cp "$work/review.md" "$work/copy.md"
write_kb=$(rss $import)
added=$(grep -c '^  - at: ' "$work/copy.md")
py_kb=$(rss python3 -c "import json; json.load(open('$work/log.json'))")
echo "| $n entries, $((size / 1024)) KiB of JSON lines ($((added - 1)) entries written) | median | min | max | peak RSS |"
echo "|---|---|---|---|---|"
python3 - "$work/t.json" "$pirt_kb" "$dry_kb" "$write_kb" "$py_kb" <<'PY'
import json, sys
rss = [int(a) for a in sys.argv[2:]]
for r, kb in zip(json.load(open(sys.argv[1]))["results"], rss):
    print("| %s | %.3f s | %.3f s | %.3f s | %.1f MiB |" % (r["command"], r["median"], r["min"], r["max"], kb / 1024))
PY
