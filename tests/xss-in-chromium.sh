#!/usr/bin/env bash
# The XSS payload table of tests/cli/hardening.rs, in a real browser: builds the rendered
# review, the stats page and the whole site from a review with a payload in every field,
# and the paged index of a 2,500-review site with a title that tries to end its data
# block (PIRT_XSS_KEEP keeps the tests' pages), then opens every page in headless Chromium
# through playwright-core and fails if a dialog opens, a request leaves the page, or an
# active attribute or link survived, with and without the pages' Content-Security-Policy.
#
#   tests/xss-in-chromium.sh [OUT_DIR]    needs chromium (apt-get install chromium) and npm
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-$(mktemp -d)}")
mkdir -p "$out"
command -v chromium >/dev/null || { echo "install chromium first (apt-get install chromium)" >&2; exit 2; }
tools=${PIRT_NODE_TOOLS:-$out/node}
if [[ ! -d $tools/node_modules/playwright-core ]]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" playwright-core >/dev/null
fi
PIRT_XSS_KEEP="$out" cargo test --quiet --test cli -- --exact \
  hardening::xss_payloads_in_every_field_stay_inert_in_every_page \
  insights::a_site_of_2500_reviews_has_numbered_pages_and_an_inert_data_block >/dev/null
# Of the paged site (2,500 reviews; the newest has a title that tries to end the data
# block): the first page, where the script makes the rows from the data block, and
# index-2.html, a page without script; not the 2,500 review pages.
grep -q 'PIR-1234' "$out/paged-site/index.html" || { echo "FAIL: the paged index does not list PIR-1234" >&2; exit 1; }
rm -rf "$out/paged-site/reviews" "$out/paged-site/problems"
find "$out/paged-site" -name 'index-*.html' ! -name index-2.html -delete
mapfile -t pages < <(find "$out" -name '*.html' -not -path "$tools/*" | sort)
echo "pages: ${#pages[@]}"
# The review page, stats, index, problems and one more at least: fewer means the test that
# writes them did not run.
((${#pages[@]} >= 10)) || { echo "FAIL: only ${#pages[@]} pages were built" >&2; exit 1; }
# wiki.html is pirt's Markdown shown by a permissive wiki (raw HTML on): it may load the
# images the review links to, as any Markdown would; it must still never run a payload.
cp tests/xss-in-chromium.mjs "$tools/"
node "$tools/xss-in-chromium.mjs" "${pages[@]}" --allow-requests=wiki.html
