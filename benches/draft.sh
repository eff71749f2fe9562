#!/usr/bin/env bash
# Times `pirt draft` with 1, 4 and 8 prompts against a local mock server that answers each
# request after LATENCY seconds (default 1), with concurrency 8 and concurrency 1 (serial).
# With enough concurrency, 8 prompts should take about as long as one, not 8 times as long.
#
#   benches/draft.sh            needs hyperfine and python3
set -euo pipefail
cd "$(dirname "$0")/.."
latency=${LATENCY:-1}
runs=${RUNS:-5}
port=${PORT:-18089}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/pirt
work=$(mktemp -d)
python3 benches/mock_llm.py "$port" "$latency" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break || sleep 0.1; done
mkdir -p "$work/postmortems"
cp tests/fixtures/draft/review.md "$work/postmortems/review.md"
all=(-p summary -p impact -p root-cause -p action-items -p lessons -p problem-handoff -p status-update -p exec-brief)
four=(-p summary -p impact -p root-cause -p lessons)
run() { # concurrency, prompts...
  local c=$1; shift
  echo "cd $work && PIRT_LLM_BASE_URL=http://127.0.0.1:$port/v1 PIRT_LLM_MODEL=mock PIRT_CONFIG=$work/c$c.toml $bin draft postmortems/review.md --stdout -q $* >/dev/null"
}
printf '[llm]\nconcurrency = 8\n' >"$work/c8.toml"
printf '[llm]\nconcurrency = 1\n' >"$work/c1.toml"
hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/draft.json" \
  -n "1 prompt" "$(run 8 -p summary)" \
  -n "4 prompts, concurrency 8" "$(run 8 "${four[@]}")" \
  -n "8 prompts, concurrency 8" "$(run 8 "${all[@]}")" \
  -n "8 prompts, concurrency 1" "$(run 1 "${all[@]}")" >/dev/null
echo "| case (mock latency ${latency} s) | median | min | max |"
echo "|---|---|---|---|"
python3 - "$work/draft.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("| %s | %.2f s | %.2f s | %.2f s |" % (r["command"], r["median"], r["min"], r["max"]))
PY
