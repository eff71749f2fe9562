#!/usr/bin/env bash
# Every page kind pirt writes, through the Nu HTML Checker (vnu, the W3C validator's
# engine): `render --format html` of every example (and of one with text before its first
# heading, an AI draft block and overdue actions), `stats --format html` by each grouping
# and for an empty range, every page of `pirt site` with and without --include-drafts, and
# the pages built from the XSS payload review of tests/cli/hardening.rs (escaped payloads
# must still be valid HTML). Fails on any error.
#
#   tests/html-valid.sh [OUT_DIR]    needs java (apt-get install default-jre-headless) and
#                                    vnu.jar (npm's vnu-jar, installed here if missing);
#                                    .ci/run runs it
# VNU_JAR: a vnu.jar to use. PIRT_BIN: a pirt binary already built (else the release build
# is made here). PIRT_NODE_TOOLS: where npm packages go (shared with the Chromium tests).
# VNU_WARNINGS=1 also lists the checker's warnings (they never fail the run).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-$(mktemp -d)}")
mkdir -p "$out"
# Where the checker cannot be had the run is skipped, except in CI (CI=true), where a page
# that is not validated is a failure.
skip() {
  if [[ ${CI:-} == true ]]; then echo "FAIL: $*" >&2; exit 1; fi
  echo "SKIP: $*: the pages were not validated" >&2; exit 0
}
command -v java >/dev/null || skip "no java (apt-get install default-jre-headless)"
# The checker's version is pinned: a new release may know new rules; move it on purpose.
vnu_version=26.9.27
jar=${VNU_JAR:-}
if [[ -z $jar ]]; then
  tools=${PIRT_NODE_TOOLS:-$out/node}
  jar=$tools/node_modules/vnu-jar/build/dist/vnu.jar
  if ! grep -qs "\"version\": *\"$vnu_version\"" "$tools/node_modules/vnu-jar/package.json"; then
    command -v npm >/dev/null || skip "no vnu.jar and no npm to install it (set VNU_JAR)"
    # --ignore-scripts: the package's postinstall only fetches a Java; the jar is in it.
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$tools" "vnu-jar@$vnu_version" >/dev/null \
      || skip "npm could not install vnu-jar@$vnu_version"
  fi
fi
[[ -f $jar ]] || { echo "FAIL: no vnu.jar at $jar" >&2; exit 1; }
echo "vnu $(java -jar "$jar" --version)"

bin=${PIRT_BIN:-}
if [[ -z $bin ]]; then cargo build --release --quiet && bin=./target/release/pirt; fi
bin=$(realpath "$bin")
cfg=(--config examples/pirt.toml)
pages=$out/pages
rm -rf "$pages" && mkdir -p "$pages/render"
for f in examples/postmortems/*.md; do
  "$bin" "${cfg[@]}" render "$f" --format html -o "$pages/render/$(basename "$f" .md).html" -q
done
# Text before the first heading, an AI draft block nobody has reviewed yet, and action
# items overdue by then.
awk '/^## / && !lead { print "Text before the first section."; print ""; lead = 1 }
  /^## Where we got lucky/ { print; print ""; print "<!-- pirt:draft prompt=lessons model=example at=2025-11-20T09:00:00Z -->"; print "- The known-good feature file could be pushed within minutes."; print "<!-- /pirt:draft -->"; next } { print }' \
  examples/postmortems/2025-11-18-proxy-failures-from-oversized-bot-feature-file.md > "$pages/drafted.md"
PIRT_TODAY=2026-12-01 "$bin" "${cfg[@]}" render "$pages/drafted.md" --format html -o "$pages/render/drafted.html" -q
rm "$pages/drafted.md"
"$bin" "${cfg[@]}" stats --format html -o "$pages/stats.html" -q
for by in service month quarter; do
  "$bin" "${cfg[@]}" stats --format html --by "$by" -o "$pages/stats-by-$by.html" -q
done
"$bin" "${cfg[@]}" stats --format html --since 2100-01-01 -o "$pages/stats-empty.html" -q
"$bin" "${cfg[@]}" site "$pages/site" -q
"$bin" "${cfg[@]}" site "$pages/site-drafts" -q --include-drafts
# The XSS payload review: render, stats and the whole site (wiki.html is comrak's
# rendering of pirt's Markdown, a fragment and not a page of pirt's).
PIRT_XSS_KEEP="$pages/xss" cargo test --locked --quiet --test cli -- --exact \
  hardening::xss_payloads_in_every_field_stay_inert_in_every_page >/dev/null
rm -f "$pages/xss/wiki.html"
[[ -f $pages/xss/render.html ]] || { echo "FAIL: the XSS test wrote no pages (renamed?)" >&2; exit 1; }

mapfile -t files < <(find "$pages" -name '*.html' | sort)
echo "pages: ${#files[@]}"
# 5 reviews, 5 stats pages, 2 sites, the XSS pages: fewer means a step wrote nothing.
((${#files[@]} >= 30)) || { echo "FAIL: only ${#files[@]} pages were built" >&2; exit 1; }
if [[ ${VNU_WARNINGS:-} == 1 ]]; then
  java -jar "$jar" --format gnu "${files[@]}" 2>&1 | sed "s|$pages/||" || true
fi
if ! report=$(java -jar "$jar" --errors-only --format gnu "${files[@]}" 2>&1); then
  sed "s|$pages/||" <<<"$report" >&2
  echo "FAIL: $(grep -c ': error' <<<"$report" || true) errors from the Nu HTML Checker in ${#files[@]} pages" >&2
  exit 1
fi
echo "ok: ${#files[@]} pages, 0 errors from the Nu HTML Checker"
