#!/usr/bin/env bash
# Times the commands that read one file in a large repository, with a warm corpus index
# (.pirt/cache) beside --no-cache (every other file read, as before the index), in one run:
# `pirt check ONE.md` (cross-file rules) and `pirt render ONE.md --format html` (similar
# incidents). Also the cost of loading the stored index (`pirt cache`, which only reads it)
# against the same command where there is none, and the peak RSS of each command.
#
#   benches/one-file.sh [SIZE...]        default: 1000 10000
#   SITE=1 benches/one-file.sh 10000     also `pirt site` of SIZE reviews, beside $BEFORE
#
# Needs hyperfine and GNU time. Each corpus is copied once from $BENCH_DIR/corpus-N (made
# by pirt-gen-corpus) into $BENCH_DIR/one-file-N, so the index is never written into the
# shared corpora. BEFORE: a pirt binary to time beside (default $BENCH_DIR/pirt-before, if
# present). Prints Markdown tables of medians.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000)
work=${BENCH_DIR:-/tmp/pirt-bench}
runs=${RUNS:-10}
before=${BEFORE:-$work/pirt-before}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
mkdir -p "$work"

ms() { python3 -c "
import json, sys
for r in json.load(open(sys.argv[1]))['results']:
    print('%s=%.1f' % (r['command'].replace('-', '_'), r['median'] * 1000))" "$1"; }
rss() { ( cd "$1" && shift && /usr/bin/time -f %M "$@" >/dev/null 2>/tmp/one-file-rss.$$ ) || true; tail -1 /tmp/one-file-rss.$$; }

echo "| reviews | command | warm index | --no-cache | peak RSS warm | peak RSS --no-cache |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  src=$work/corpus-$n
  [[ -d $src/postmortems ]] || "$bin/pirt-gen-corpus" "$src" "$n" 2>/dev/null
  dir=$work/one-file-$n
  # A folder changed less than 2 s ago is not trusted by the index (its time may change
  # again within the tick): wait for a fresh copy to settle, as a repository has.
  [[ -d $dir/postmortems ]] || { cp -r "$src" "$dir" && sleep 3; }
  one=postmortems/$(ls "$dir/postmortems" | sort | tail -1)
  find "$dir" -name '*.md' -exec cat {} + >/dev/null
  # Warm: the first render stores every file's facts.
  (cd "$dir" && "$bin/pirt" render "$one" --format html >/dev/null && "$bin/pirt" check "$one" -q >/dev/null) || true
  hyperfine --style none --warmup 2 --runs "$runs" -i --export-json "$work/one-file-$n.json" \
    -n check "cd $dir && $bin/pirt check $one -q" \
    -n check-nocache "cd $dir && $bin/pirt check $one -q --no-cache" \
    -n render "cd $dir && $bin/pirt render $one --format html >/dev/null" \
    -n render-nocache "cd $dir && $bin/pirt render $one --format html --no-cache >/dev/null" >/dev/null
  eval "$(ms "$work/one-file-$n.json")"
  printf '| %s | check ONE.md | %.1f ms | %.1f ms | %d MB | %d MB |\n' "$n" "$check" "$check_nocache" \
    $(($(rss "$dir" "$bin/pirt" check "$one" -q) / 1024)) $(($(rss "$dir" "$bin/pirt" check "$one" -q --no-cache) / 1024))
  printf '| %s | render ONE.md --format html | %.1f ms | %.1f ms | %d MB | %d MB |\n' "$n" "$render" "$render_nocache" \
    $(($(rss "$dir" "$bin/pirt" render "$one" --format html) / 1024)) $(($(rss "$dir" "$bin/pirt" render "$one" --format html --no-cache) / 1024))
done

# Loading the stored index: `pirt cache` reads and decodes it; in a folder without one the
# same command only starts. The difference is the load.
echo
n=${sizes[-1]}
empty=$work/one-file-empty
mkdir -p "$empty"
hyperfine --style none --warmup 3 --runs $((runs * 3)) -i --export-json "$work/one-file-load.json" \
  -n load "cd $work/one-file-$n && $bin/pirt cache" \
  -n start "cd $empty && $bin/pirt cache" >/dev/null
eval "$(ms "$work/one-file-load.json")"
size=$(stat -c %s "$work/one-file-$n/.pirt/cache/index.bin")
printf 'index of %s reviews: %.1f MB on disk; pirt cache %.1f ms, without an index %.1f ms (load: %.1f ms)\n' \
  "$n" "$(python3 -c "print($size / 1048576)")" "$load" "$start" "$(python3 -c "print($load - $start)")"

if [[ ${SITE:-0} == 1 ]]; then
  echo
  dir=$work/one-file-$n
  cmds=(-n site "cd $dir && $bin/pirt site -q $work/one-file-site-new")
  [[ -x $before ]] && cmds+=(-n site-before "cd $dir && $before site -q $work/one-file-site-before")
  hyperfine --style none --runs "${SITE_RUNS:-1}" -i --export-json "$work/one-file-site.json" "${cmds[@]}" >/dev/null
  python3 -c "
import json
for r in json.load(open('$work/one-file-site.json'))['results']:
    print('%s of $n reviews: median %.1f s' % (r['command'], r['median']))"
fi
