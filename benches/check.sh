#!/usr/bin/env bash
# Times `pirt check` and `pirt stats` on generated corpora, side by side in one hyperfine
# run per size with reference points on the same files: reading them (`cat`), parsing only
# their front matter (pirt-parse-only: into plain values with serde-saphyr, and into pirt's
# position-keeping tree as check reads it), optionally another pirt build's check
# (REF=BINARY) and markdownlint-cli2 (MARKDOWNLINT=1, on the 10,000-review corpus). Then the
# peak RSS of `pirt check` of 100,000 reviews, on this corpus and on one of longer reviews
# (`pirt-gen-corpus --long`: 40-42 timeline entries, about 9 KB a review).
#
#   benches/check.sh [SIZE...]     default: 10000
#
#   RUNS=N          hyperfine runs per command (default 3; sizes of 100,000 and more run once)
#   REF=BINARY      also time this pirt's check (e.g. a previous release) in the same run
#   MARKDOWNLINT=1  also time markdownlint-cli2 (installed with npm if missing)
#   RSS=0           leave out the two 100,000-review memory runs
#
# Needs hyperfine (apt-get install hyperfine) and GNU time. Corpora go to $BENCH_DIR
# (default /tmp/pirt-bench) and are reused. Prints Markdown tables of medians.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000)
work=${BENCH_DIR:-/tmp/pirt-bench}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "install GNU time first (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
mkdir -p "$work"
cores=$(nproc)
ref=${REF:-}
mdl=${MARKDOWNLINT:-0}
if [[ $mdl == 1 ]] && ! command -v markdownlint-cli2 >/dev/null; then
  npm install -g --silent markdownlint-cli2 >/dev/null
fi

corpus() { # corpus SIZE [--long]: the folder, generated once
  local dir=$work/corpus-$1
  [[ ${2:-} == --long ]] && dir=$work/corpus-long-$1
  [[ -d $dir/postmortems ]] || "$bin/pirt-gen-corpus" "$dir" "$1" ${2:-} >&2
  echo "$dir"
}

echo "Measured $(date -u +%Y-%m-%d), $cores cores, release build; medians."
echo
header="| files | MB | cat | parse-only (plain) | parse-only (tree) | **pirt check** | pirt stats | stats ÷ check |"
rule="|---|---|---|---|---|---|---|---|"
[[ -n $ref ]] && { header+=" check ($(basename "$ref")) | this ÷ that |"; rule+="---|---|"; }
[[ $mdl == 1 ]] && { header+=" markdownlint-cli2 | markdownlint ÷ check |"; rule+="---|---|"; }
echo "$header"
echo "$rule"
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  mb=$(du -sm "$dir/postmortems" | cut -f1)
  runs=${RUNS:-3}
  ((n < 100000)) || runs=1
  # Warm the page cache so every command reads from memory.
  find "$dir" -name '*.md' -exec cat {} + >/dev/null
  commands=(
    -n cat "find $dir/postmortems $dir/problems -name '*.md' -exec cat {} + >/dev/null"
    -n parse "$bin/pirt-parse-only $dir"
    -n tree "$bin/pirt-parse-only $dir --tree"
    -n check "cd $dir && $bin/pirt check -q --format json >/dev/null"
    -n stats "cd $dir && $bin/pirt stats >/dev/null"
  )
  [[ -n $ref ]] && commands+=(-n ref "cd $dir && $ref check -q --format json >/dev/null")
  [[ $mdl == 1 && $n == 10000 ]] &&
    commands+=(-n mdl "cd $dir && markdownlint-cli2 'postmortems/*.md' >/dev/null 2>&1")
  hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$work/$n.json" \
    "${commands[@]}" >/dev/null 2>"$work/$n.log"
  python3 - "$work/$n.json" "$n" "$mb" "$ref" "$mdl" <<'EOF'
import json, sys
path, n, mb, ref, mdl = sys.argv[1:]
m = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
row = [f"{int(n):,}", mb] + [f"{m[k]:.2f} s" for k in ("cat", "parse", "tree")]
row += [f"**{m['check']:.2f} s**", f"{m['stats']:.2f} s", f"{m['stats'] / m['check']:.2f}"]
if ref:
    row += [f"{m['ref']:.2f} s", f"{m['check'] / m['ref']:.2f}"]
if mdl == "1":
    row += [f"{m['mdl']:.1f} s", f"{m['mdl'] / m['check']:.1f}×"] if "mdl" in m else ["—", "—"]
print("| " + " | ".join(row) + " |")
EOF
done

if [[ ${RSS:-1} == 1 ]]; then
  echo
  echo "| peak RSS, \`pirt check\` of 100,000 reviews | MB of reviews | time | peak RSS |"
  echo "|---|---|---|---|"
  for long in "" --long; do
    dir=$(corpus 100000 $long)
    mb=$(du -sm "$dir/postmortems" | cut -f1)
    find "$dir" -name '*.md' -exec cat {} + >/dev/null
    # check exits 1 (the corpus has findings): the figures are what counts here.
    out=$( { cd "$dir" && /usr/bin/time -f '%e %M' "$bin/pirt" check -q --format json >/dev/null; } 2>&1 | tail -1 || true)
    read -r secs kb <<<"$out"
    name="benches' corpus"
    [[ -n $long ]] && name="longer reviews (--long)"
    printf '| %s | %s | %.1f s | %d MB |\n' "$name" "$mb" "$secs" $((kb / 1024))
  done
fi

# One file, as pre-commit runs it: process start, config lookup, and the id scan of the
# other files in the folder (for the cross-file rules); and the same file alone.
dir=$(corpus 1000)
one=review-000000.md
alone=$work/alone
mkdir -p "$alone" && cp "$dir/postmortems/$one" "$alone/"
hyperfine --style none --warmup 3 --runs 30 -i --export-json "$work/one.json" \
  -n in-folder "cd $dir && $bin/pirt check postmortems/$one -q" \
  -n alone "cd $alone && $bin/pirt check $one -q" >/dev/null 2>"$work/one.log"
echo
python3 -c "
import json
for r in json.load(open('$work/one.json'))['results']:
    print('one file (%s): median %.1f ms, min %.1f ms' % (r['command'], r['median'] * 1000, r['min'] * 1000))"
