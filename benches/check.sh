#!/usr/bin/env bash
# Times `pirt check` on generated corpora next to two reference points on the same files:
# reading them (`cat`) and parsing only their front matter with the same YAML parser
# (pirt-parse-only, all cores, and with RAYON_NUM_THREADS=1 for the single-core floor).
#
#   benches/check.sh [SIZE...]        default: 1000 10000 100000
#
# Needs hyperfine (apt-get install hyperfine) and GNU time. Corpora go to $BENCH_DIR
# (default /tmp/pirt-bench) and are reused. Prints a Markdown table of medians.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
work=${BENCH_DIR:-/tmp/pirt-bench}
runs=${RUNS:-5}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
mkdir -p "$work"
cores=$(nproc)

median() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(' '.join('%s=%.3f' % (r['command'], r['median']) for r in d['results']))" "$1"; }

echo "| files | MB | cat | parse-only (1 core) | parse-only ($cores cores) | pirt check | check ÷ (parse-1 ÷ cores) | peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  dir=$work/corpus-$n
  [[ -d $dir/postmortems ]] || "$bin/pirt-gen-corpus" "$dir" "$n" 2>/dev/null
  mb=$(du -sm "$dir/postmortems" | cut -f1)
  # Warm the page cache so every command reads from memory.
  find "$dir" -name '*.md' -exec cat {} + >/dev/null
  hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$work/$n.json" \
    -n cat "find $dir/postmortems $dir/problems -name '*.md' -exec cat {} + >/dev/null" \
    -n parse1 "RAYON_NUM_THREADS=1 $bin/pirt-parse-only $dir" \
    -n parse "$bin/pirt-parse-only $dir" \
    -n check "cd $dir && $bin/pirt check -q --format json >/dev/null" >/dev/null
  rss=$( { cd "$dir" && /usr/bin/time -f %M "$bin/pirt" check -q --format json >/dev/null; } 2>&1 | tail -1 || true)
  eval "$(median "$work/$n.json")"
  ratio=$(python3 -c "print('%.2f' % ($check / ($parse1 / $cores)))")
  printf '| %s | %s | %.2f s | %.2f s | %.2f s | %.2f s | %s | %d MB |\n' "$n" "$mb" "$cat" "$parse1" "$parse" "$check" "$ratio" $((rss / 1024))
done

# One file, as pre-commit runs it: process start, config lookup, and the id scan of the
# other files in the folder (for the cross-file rules); and the same file alone.
dir=$work/corpus-1000
one=review-000000.md
alone=$work/alone
mkdir -p "$alone" && cp "$dir/postmortems/$one" "$alone/"
hyperfine --style none --warmup 3 --runs 30 -i --export-json "$work/one.json" \
  -n in-folder "cd $dir && $bin/pirt check postmortems/$one -q" \
  -n alone "cd $alone && $bin/pirt check $one -q" >/dev/null
python3 -c "
import json
for r in json.load(open('$work/one.json'))['results']:
    print('one file (%s): median %.1f ms, min %.1f ms' % (r['command'], r['median'] * 1000, r['min'] * 1000))"

# markdownlint-cli2 on the same 10k files, for scale (set MARKDOWNLINT=1; needs npm).
if [[ ${MARKDOWNLINT:-0} == 1 ]]; then
  command -v markdownlint-cli2 >/dev/null || npm install -g --silent markdownlint-cli2 >/dev/null
  hyperfine --style none --runs 1 -i --export-json "$work/mdl.json" \
    -n markdownlint-cli2 "cd $work/corpus-10000 && markdownlint-cli2 'postmortems/*.md' >/dev/null 2>&1" >/dev/null
  python3 -c "import json; r=json.load(open('$work/mdl.json'))['results'][0]; print('markdownlint-cli2, 10k files: %.1f s' % r['median'])"
fi
