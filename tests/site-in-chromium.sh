#!/usr/bin/env bash
# Opens the site built from the shipped examples in headless Chromium: applies a filter
# (through the address, #severity=SEV1, as a shared link would), checks from the live DOM
# that only the matching reviews stay visible, and takes screenshots to look at. Then
# checks the layout of every page at 1280 and 390 px, light and dark, through
# playwright-core (tests/layout-in-chromium.mjs), including the draft review the default
# build leaves out, a copy of one with an AI draft block and the paged index of a
# generated corpus of 600 reviews, and keeps its screenshots. Last, checks that paged
# index from the live page (tests/index-in-chromium.mjs): filters, pager, keyboard,
# search, sort, reading without script, dark mode.
#
#   tests/site-in-chromium.sh [OUT_DIR]      needs chromium (apt-get install chromium) and npm
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-$(mktemp -d)}")
mkdir -p "$out"
command -v chromium >/dev/null || { echo "install chromium first (apt-get install chromium)" >&2; exit 2; }
# PIRT_BIN: a pirt binary that is already built (else the release build is made here).
bin=${PIRT_BIN:-}
if [[ -z $bin ]]; then cargo build --release --quiet --features bench-tools && bin=./target/release/pirt; fi
bin=$(realpath "$bin")
"$bin" --config examples/pirt.toml site "$out/site" -q
browse() { # url, extra flags...
  local url=$1; shift
  timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" "$url" 2>/dev/null
}
index="file://$out/site/index.html"
dom=$(browse "$index#severity=SEV1" --dump-dom --virtual-time-budget=2000)
total=$(grep -c '<tr data-date=' <<<"$dom")
hidden=$(grep -c '<tr data-date=[^>]* hidden' <<<"$dom" || true)
sev1=$(grep -c '<tr data-date=[^>]*data-severity="SEV1"' <<<"$dom")
echo "rows: $total, hidden by the SEV1 filter: $hidden, SEV1 rows: $sev1"
[[ $((total - hidden)) -eq $sev1 ]] || { echo "FAIL: the filter shows $((total - hidden)) rows, expected $sev1" >&2; exit 1; }
grep -q '<span id="count"[^>]*>'"$sev1"' of '"$total"' reviews' <<<"$dom" || { echo "FAIL: the count does not say $sev1 of $total" >&2; exit 1; }
browse "$index#severity=SEV1" --window-size=1280,900 --screenshot="$out/index-sev1.png" >/dev/null
browse "file://$out/site/stats.html" --window-size=1100,1700 --screenshot="$out/stats.png" >/dev/null
browse "$index" --window-size=360,1200 --screenshot="$out/index-phone.png" >/dev/null
echo "ok: screenshots in $out (index-sev1.png, stats.png, index-phone.png)"

# Drafts: left out by default, published and marked with --include-drafts.
[[ ! -e $out/site/reviews/PIR-2021-042.html ]] || { echo "FAIL: the draft PIR-2021-042 was published" >&2; exit 1; }
"$bin" --config examples/pirt.toml site "$out/drafts" -q --include-drafts
grep -q '>DRAFT</span><a href="reviews&#x2f;PIR-2021-042.html"' "$out/drafts/index.html" || { echo "FAIL: the included draft is not marked" >&2; exit 1; }
# A review with an AI draft block that nobody has reviewed yet, and overdue action items.
mkdir -p "$out/drafted"
awk '/^## Where we got lucky/ { print; print ""; print "<!-- pirt:draft prompt=lessons model=example at=2025-11-20T09:00:00Z -->"; print "- The known-good feature file could be pushed within minutes."; print "<!-- /pirt:draft -->"; next } { print }' \
  examples/postmortems/2025-11-18-proxy-failures-from-oversized-bot-feature-file.md > "$out/drafted/review.md"
PIRT_TODAY=2026-12-01 "$bin" --config examples/pirt.toml render "$out/drafted/review.md" --format html -o "$out/drafted/review-drafted.html" -q
grep -q 'AI draft, not reviewed' "$out/drafted/review-drafted.html" || { echo "FAIL: the AI draft is not marked" >&2; exit 1; }
tools=${PIRT_NODE_TOOLS:-$out/node}
if [[ ! -d $tools/node_modules/playwright-core ]]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" playwright-core >/dev/null
fi
# At scale: more reviews than one index page holds (pirt-gen-corpus, beside the binary).
gen=${PIRT_GEN_CORPUS:-$(dirname "$bin")/pirt-gen-corpus}
[[ -x $gen ]] || { echo "pirt-gen-corpus not found beside $bin (cargo build --release --features bench-tools)" >&2; exit 2; }
rm -rf "$out/corpus" "$out/paged"
"$gen" "$out/corpus" 600 2>/dev/null
(cd "$out/corpus" && PIRT_TODAY=2026-11-27 "$bin" site "$out/paged" -q)
[[ -e $out/paged/index-2.html ]] || { echo "FAIL: the index of 600 reviews has no second page" >&2; exit 1; }
cp "$out/paged/index.html" "$out/paged/paged-index.html"
cp tests/layout-in-chromium.mjs tests/index-in-chromium.mjs "$tools/"
mkdir -p "$out/layout"
node "$tools/layout-in-chromium.mjs" "$out/layout" "$out/drafts/index.html" "$out/drafts/stats.html" \
  "$out"/drafts/reviews/*.html "$out/drafted/review-drafted.html" "$out/paged/paged-index.html" \
  "$out/paged/index-2.html"
node "$tools/index-in-chromium.mjs" "$out/paged/index.html"
