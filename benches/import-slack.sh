#!/usr/bin/env bash
# Times the Slack reader on a generated export of 100,000 messages over 30 channels
# (pirt-gen-slack): one channel (#inc-checkout, 10,000 messages in 3 day files) read from
# the folder and from the .zip, beside python3 json.load of exactly the files the reader
# parses (channels.json, users.json and the channel's day files). Then the peak RSS of each
# read, of the binary doing nothing, and the size of the largest file read.
#
#   benches/import-slack.sh [MESSAGES]     default: 100000
#
#   RUNS=N   hyperfine runs per command (default 5)
#
# Until `pirt timeline import` runs the reader, pirt-read-slack calls it directly.
# Needs hyperfine and GNU time. The export goes to $BENCH_DIR (default /tmp/pirt-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=${BENCH_DIR:-/tmp/pirt-bench}/slack-$n
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "install GNU time first (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
[[ -f $work/export.zip ]] || "$bin/pirt-gen-slack" "$work" "$n" >&2
export_dir=$work/export
files=("$export_dir/channels.json" "$export_dir/users.json" "$export_dir"/inc-checkout/*.json)
cat "${files[@]}" >/dev/null
all_mb=$(du -sm "$export_dir" | cut -f1)
read_kb=$(du -ck "${files[@]}" | tail -1 | cut -f1)
largest=$(ls -S "${files[@]}" | head -1)
largest_kb=$(( $(stat -c %s "$largest") / 1024 ))
zip_mb=$(( $(stat -c %s "$work/export.zip") / 1048576 ))
py="python3 -c 'import json, sys; [json.load(open(f, \"rb\")) for f in sys.argv[1:]]' ${files[*]}"
hyperfine --style none --warmup 1 --runs "${RUNS:-5}" -N --export-json "$work/times.json" \
  -n folder "$bin/pirt-read-slack $export_dir --channel inc-checkout" \
  -n zip "$bin/pirt-read-slack $work/export.zip --channel inc-checkout" \
  -n python "$py" >/dev/null 2>"$work/hyperfine.log" || { cat "$work/hyperfine.log" >&2; exit 1; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "Measured $(date -u +%Y-%m-%d), $(nproc) cores, release build; medians of ${RUNS:-5} runs."
echo "Export: $n messages, 30 channels, $all_mb MB unpacked, $zip_mb MB zipped; the files read: $((read_kb / 1024)) MB, the largest $largest_kb KB ($(basename "$largest"))."
"$bin/pirt-read-slack" "$export_dir" --channel inc-checkout
echo
python3 - "$work/times.json" <<'PY'
import json, sys
m = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
print("| folder | zip | python3 json.load | folder ÷ python | zip ÷ python |")
print("|---|---|---|---|---|")
print(f"| {m['folder']*1000:.0f} ms | {m['zip']*1000:.0f} ms | {m['python']*1000:.0f} ms "
      f"| {m['folder']/m['python']:.2f} | {m['zip']/m['python']:.2f} |")
PY
echo
echo "| peak RSS | folder | zip | binary doing nothing | python3 json.load |"
echo "|---|---|---|---|---|"
echo "| KB | $(rss "$bin/pirt-read-slack" "$export_dir" --channel inc-checkout) | $(rss "$bin/pirt-read-slack" "$work/export.zip" --channel inc-checkout) | $(rss "$bin/pirt-read-slack" --noop) | $(rss bash -c "$py") |"
