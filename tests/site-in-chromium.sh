#!/usr/bin/env bash
# Opens the site built from the shipped examples in headless Chromium: applies a filter
# (through the address, #severity=SEV1, as a shared link would), checks from the live DOM
# that only the matching reviews stay visible, and takes screenshots to look at.
#
#   tests/site-in-chromium.sh [OUT_DIR]      needs chromium (apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
command -v chromium >/dev/null || { echo "install chromium first (apt-get install chromium)" >&2; exit 2; }
# PIRT_BIN: a pirt binary that is already built (else the release build is made here).
bin=${PIRT_BIN:-}
if [[ -z $bin ]]; then cargo build --release --quiet && bin=./target/release/pirt; fi
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
