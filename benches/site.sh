#!/usr/bin/env bash
# Times `pirt site` on generated corpora of 1k and 10k reviews, this build beside a
# reference build in the same hyperfine runs (fresh builds into an empty folder, and a
# rebuild of the 10k site with nothing changed), then the index of the 10k site of each
# in headless Chromium: the median of 5 fresh loads of the time to DOMContentLoaded (the
# script runs before it) and of a first filter (a severity chosen, until the next frame),
# through tests/index-in-chromium.mjs.
#
#   benches/site.sh      needs hyperfine, chromium, npm; RUNS (default 3),
#                        BENCH_DIR (default /tmp/pirt-bench), and for the reference either
#                        PIRT_REF_BIN (a pirt binary) or REF (a commit, default a30de8f,
#                        the release issue 14 starts from), built here in a git worktree
#                        with its own target folder (about 15 minutes on 2 cores, once).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/pirt-bench}
runs=${RUNS:-3}
loads=${LOADS:-5}
command -v hyperfine >/dev/null || { echo "install hyperfine first (apt-get install hyperfine)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "install chromium first (apt-get install chromium)" >&2; exit 2; }
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
mkdir -p "$work"
ref=${PIRT_REF_BIN:-}
if [[ -z $ref ]]; then
  commit=${REF:-a30de8f}
  tree=$work/site-ref-$commit
  if [[ ! -x $tree/target/release/pirt ]]; then
    [[ -d $tree ]] || git worktree add --detach "$tree" "$commit" >/dev/null
    (cd "$tree" && CARGO_TARGET_DIR=$tree/target cargo build --release --quiet --bin pirt)
  fi
  ref=$tree/target/release/pirt
fi
for n in 1000 10000; do
  [[ -d $work/corpus-$n/postmortems ]] || "$bin/pirt-gen-corpus" "$work/corpus-$n" "$n" 2>/dev/null
  find "$work/corpus-$n" -name '*.md' -exec cat {} + >/dev/null
done
export PIRT_TODAY=2026-11-27
out=$work/site-bench
mkdir -p "$out"

for n in 1000 10000; do
  hyperfine --style none --runs "$runs" -i --export-json "$out/site-$n.json" \
    --prepare "rm -rf $out/ref-$n $out/new-$n" \
    -n reference "cd $work/corpus-$n && $ref site $out/ref-$n -q" \
    -n this "cd $work/corpus-$n && $bin/pirt site $out/new-$n -q" >/dev/null
done
(cd "$work/corpus-10000" && "$ref" site "$out/ref-10000" -q && "$bin/pirt" site "$out/new-10000" -q)
hyperfine --style none --runs "$runs" -i --export-json "$out/site-unchanged.json" \
  -n reference "cd $work/corpus-10000 && $ref site $out/ref-10000 -q" \
  -n this "cd $work/corpus-10000 && $bin/pirt site $out/new-10000 -q" >/dev/null

tools=${PIRT_NODE_TOOLS:-$out/node}
if [[ ! -d $tools/node_modules/playwright-core ]]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" playwright-core >/dev/null
fi
cp tests/index-in-chromium.mjs "$tools/"
node "$tools/index-in-chromium.mjs" "$out/ref-10000/index.html" --times "$loads" >"$out/chromium-ref.json"
node "$tools/index-in-chromium.mjs" "$out/new-10000/index.html" --times "$loads" >"$out/chromium-new.json"

python3 - "$out" "$runs" "$loads" <<'PY'
import json, os, sys
out, runs, loads = sys.argv[1], sys.argv[2], sys.argv[3]
def med(name):
    return {r["command"]: r["median"] for r in json.load(open(f"{out}/{name}.json"))["results"]}
def size(d):
    return os.path.getsize(f"{out}/{d}/index.html") / 1e6
print(f"| measurement (medians: {runs} runs, {loads} loads) | reference | this build |")
print("|---|---|---|")
for n, label in (("1000", "1k"), ("10000", "10k")):
    m = med(f"site-{n}")
    print(f"| pirt site, {label} reviews, fresh | {m['reference']:.2f} s | {m['this']:.2f} s |")
m = med("site-unchanged")
print(f"| pirt site, 10k reviews, nothing changed | {m['reference']:.2f} s | {m['this']:.2f} s |")
print(f"| index.html of the 10k site | {size('ref-10000'):.1f} MB | {size('new-10000'):.1f} MB |")
c = {k: json.load(open(f"{out}/chromium-{k}.json")) for k in ("ref", "new")}
print(f"| Chromium: DOMContentLoaded of the 10k index | {c['ref']['dcl_ms']:.0f} ms | {c['new']['dcl_ms']:.0f} ms |")
print(f"| Chromium: first filter (severity), to the next frame | {c['ref']['filter_ms']:.0f} ms | {c['new']['filter_ms']:.0f} ms |")
PY
