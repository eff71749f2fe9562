#!/usr/bin/env bash
# Opt-in end-to-end check against a real model: runs every built-in prompt on a copy of
# tests/fixtures/draft/review.md and checks that each answer lands in its target.
#
#   tests/real-llm.sh [BASE_URL]     default: the server of ../shared/tools/local-llm
#
# Start the local server first (`local-llm start`, ~10 minutes the first time). It serves one
# request at a time, so the prompts run with concurrency 1. Any OpenAI-compatible server
# works: tests/real-llm.sh http://localhost:11434/v1 with PIRT_LLM_MODEL=llama3.2 for Ollama.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-${PIRT_LLM_BASE_URL:-http://127.0.0.1:8089/v1}}
curl -sf "$url/models" >/dev/null || { echo "no server at $url (start one: local-llm start)" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/pirt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/postmortems"
review=postmortems/review.md
cp tests/fixtures/draft/review.md "$work/$review"
cat >"$work/pirt.toml" <<TOML
[llm]
base_url = "$url"
model = "${PIRT_LLM_MODEL:-smollm2}"
concurrency = 1
timeout_secs = 300
TOML
cd "$work"
failed=0
check() { # name, condition description, test command...
  local name=$1 what=$2; shift 2
  if "$@"; then echo "ok    $name: $what"; else echo "FAIL  $name: $what"; failed=1; fi
}
for prompt in summary root-cause lessons problem-handoff; do
  start=$(date +%s.%N)
  "$bin" draft "$review" -q -p "$prompt" || true
  secs=$(python3 -c "import time,sys; print('%.1f' % (time.time() - float(sys.argv[1])))" "$start")
  check "$prompt" "marked block in the review (${secs} s)" grep -q "pirt:draft prompt=$prompt " "$review"
done
# Impact holds human text: --force replaces it and keeps the old file in .pirt/history.
"$bin" draft "$review" -q -p impact --force || true
check impact "replaced with --force, old text kept" \
  bash -c "grep -q 'pirt:draft prompt=impact ' $review && ls .pirt/history/* >/dev/null"
before=$(grep -c '^  - id: AI-' "$review")
"$bin" draft "$review" -q -p action-items || true
after=$(grep -c '^  - id: AI-' "$review")
check action-items "valid items appended ($before -> $after)" test "$after" -gt "$before"
for prompt in status-update exec-brief; do
  "$bin" draft "$review" -q -p "$prompt" >"$prompt.txt" || true
  check "$prompt" "printed ($(wc -c <"$prompt.txt") bytes)" test -s "$prompt.txt"
done
check all "the review still parses" "$bin" check -q "$review"
echo "--- the drafted review ---"
cat "$review"
exit $failed
