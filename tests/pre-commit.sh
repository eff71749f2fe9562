#!/usr/bin/env bash
# The pre-commit hook against the real pre-commit: `pre-commit try-repo` this repository's
# `pirt-check-system` hook in a repository whose reviews live in a non-default folder
# (docs/incidents/postmortems, set in pirt.toml). A bad review there must fail the hook; a
# README.md and other docs must never be judged; a good review passes.
#
#   tests/pre-commit.sh     needs pre-commit and git on PATH (pip install pre-commit)
#                           PIRT_BIN: a built pirt (default: target/debug/pirt)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
command -v pre-commit >/dev/null || { echo "install pre-commit first (pip install pre-commit)" >&2; exit 2; }
bin=$(realpath "${PIRT_BIN:-./target/debug/pirt}")
[[ -x $bin ]] || { cargo build --quiet; bin=$(realpath ./target/debug/pirt); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" && ln -s "$bin" "$tmp/bin/pirt"
export PATH="$tmp/bin:$PATH" PRE_COMMIT_HOME="$tmp/cache" PIRT_TODAY=2026-12-02
# try-repo takes the hooks from a git repository: this one, as committed plus what is staged.
repo=$tmp/project
mkdir -p "$repo/docs/incidents/postmortems" "$repo/docs/incidents/problems"
cd "$repo"
git init -q && git config user.email ci@example.com && git config user.name ci
cat > pirt.toml <<'TOML'
timezone = "UTC"
[folders]
reviews = "docs/incidents/postmortems"
problems = "docs/incidents/problems"
TOML
printf '# Our docs\n\nTODO: write them. The operator should have known. This is not a review.\n' > README.md
printf -- '---\ntitle: A docs page with front matter\n---\nNot a review either.\n' > docs/page.md
cp "$here/examples/postmortems/2018-10-21-degraded-service-after-43s-network-partition.md" docs/incidents/postmortems/good.md
cp "$here"/examples/problems/PRB-0002-*.md docs/incidents/problems/
# --verbose: pre-commit shows a passing hook's output too, so what was checked is seen.
run() { pre-commit try-repo "$here" pirt-check-system --all-files --verbose >"$tmp/out" 2>&1; }
git add -A
if ! run; then
  echo "FAIL: the hook failed on a good review and docs:" >&2; cat "$tmp/out" >&2; exit 1
fi
grep -q "README.md\|page.md" "$tmp/out" && { echo "FAIL: the hook judged docs as reviews:" >&2; cat "$tmp/out" >&2; exit 1; }
grep -q "in 2 files" "$tmp/out" || { echo "FAIL: the hook did not check the review and its problem record:" >&2; cat "$tmp/out" >&2; exit 1; }
printf -- '---\nid: PIR-1\n---\n' > docs/incidents/postmortems/bad.md
git add -A
if run; then
  echo "FAIL: the hook passed a review with only an id:" >&2; cat "$tmp/out" >&2; exit 1
fi
grep -q "bad.md" "$tmp/out" || { echo "FAIL: the failure does not name bad.md:" >&2; cat "$tmp/out" >&2; exit 1; }
grep -q "README.md" "$tmp/out" && { echo "FAIL: README.md was judged:" >&2; cat "$tmp/out" >&2; exit 1; }
echo "pre-commit try-repo: the hook follows [folders], fails the bad review, leaves docs alone"
