#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after another, seeded
# from the examples and the recorded LLM streams. Needs a nightly toolchain and cargo-fuzz:
#   cargo install cargo-fuzz --locked
#   fuzz/run.sh 600                   # ten minutes per target
#   fuzz/run.sh 30 sse redaction      # a short smoke run of two targets
# A crash stops that target and leaves the input in fuzz/artifacts/TARGET/; minimise it
# with `cargo +nightly fuzz tmin TARGET FILE` and keep it in tests/fixtures/fuzz/.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p artifacts
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter check render loose_time sse redaction yaml_readers)

seed() {
    local dir=corpus/$1
    mkdir -p "$dir"
    # Inputs that once crashed a target are replayed first.
    cp ../tests/fixtures/fuzz/"$1"/* "$dir"/ 2>/dev/null || true
    case $1 in
    front_matter | check | render | yaml_readers)
        cp ../examples/postmortems/*.md ../examples/problems/*.md ../tests/fixtures/draft/*.md "$dir"/
        ;;
    loose_time)
        local i=0
        for t in '14:32' '2:32 PM' 'yesterday 23:50' '2026-11-20 14:32' '14:32 Europe/Berlin' \
            '+15m' '+1h30m' 'now' '2026-11-20T14:32:05+01:00' '2026-03-29T02:30' '00:10' \
            '12:00 AM' '2026-11-20 14:32 America/New_York' '2026-11-20'; do
            printf '%b%s' "\\x$(printf %02x $((i * 17 % 256)))" "$t" >"$dir/seed-$i"
            i=$((i + 1))
        done ;;
    sse)
        printf '\x10' | cat - ../tests/fixtures/llm/openai-stream.sse >"$dir/openai"
        printf '\x21' | cat - ../tests/fixtures/llm/anthropic-stream.sse >"$dir/anthropic"
        printf '\x06' | cat - ../tests/fixtures/llm/openai-json-stream.sse >"$dir/openai-json" ;;
    redaction)
        cat ../tests/fixtures/draft/review.md >"$dir/review"
        printf 'key sk-proj-AbCdEf0123456789AbCdEf0123456789 mail ops@example.com ip 10.0.0.1 ::1\n' >"$dir/secrets"
        printf 'https://user:hunter2@db.internal/x password=swordfish Bearer abc.def.ghi\n' >"$dir/urls"
        printf 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0FAKE000/B0FAKE000/FAKEfake0123FAKEfake0123\n"dsn": "https://0123456789abcdef0123456789abcdef@o12345.ingest.sentry.io/678"\nDD_API_KEY=0123456789abcdef0123456789abcdef\n' >"$dir/webhooks"
        printf 'AccountKey=ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleTA=;\n?sv=2022-11-02&sig=FAKEc2lnbmF0dXJl%%2Bc2ln%%3D\nServer=db;Password=Fake-Pass-2026;\nkubectl --token=Zm9vYmFyYmF6cXV4MTIz get pods\nexport API_TOKEN="FAKE0123456789abcdefFAKE0123"\n' >"$dir/keys" ;;
    esac
}

failed=()
for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target: $seconds s"
    status=0
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"artifacts/$target.log" 2>&1 || status=$?
    grep -E '^(stat::|INFO: seed|Done|SUMMARY|.*panicked|.*Timeout|.*out-of-memory)' "artifacts/$target.log" || true
    if [ "$status" -ne 0 ]; then
        echo "!! $target failed (exit $status): see fuzz/artifacts/$target.log"
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "failed: ${failed[*]}"
    exit 1
fi
