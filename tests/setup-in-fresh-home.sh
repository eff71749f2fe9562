#!/usr/bin/env bash
# The README's steps for the editor schema, the man pages and the shell completions, run
# as written (the ```sh and ```zsh blocks of the sections "pirt schema", "pirt man" and
# "pirt completions", read from README.md) in a fresh HOME and a fresh project, then
# checked with the real tools: mandoc -T lint on every page (all levels: lint mode implies
# -W all, style included), man (pages found, examples kept whole, nothing hyphenated), bash
# with bash-completion, zsh (a real Tab in a pseudo-terminal) and fish.
#
# Installs nothing: a missing tool is named and its check skipped (.ci/run installs them:
# apt-get install mandoc zsh fish bash-completion).
# Usage: tests/setup-in-fresh-home.sh [PIRT_BINARY]   (default: target/release/pirt)
set -euo pipefail
cd "$(dirname "$0")/.."
readme=$PWD/README.md
pirt=$(realpath "${1:-target/release/pirt}")
test -x "$pirt" || { echo "no pirt binary at $pirt (cargo build --release)" >&2; exit 2; }

home=$(mktemp -d)
project=$(mktemp -d)
bin=$(mktemp -d)
trap 'rm -rf "$home" "$project" "$bin"' EXIT
ln -s "$pirt" "$bin/pirt"
# A fresh login: nothing from this environment but the system PATH; ~/.local/bin on PATH
# as Debian's and Ubuntu's ~/.profile put it.
fresh=(env -i HOME="$home" PATH="$home/.local/bin:$bin:/usr/local/bin:/usr/bin:/bin"
  LANG=C.UTF-8 TERM=dumb MANPAGER=cat PAGER=cat)

failures=0
skipped=()
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
have() {
  if command -v "$1" >/dev/null; then return 0; fi
  echo "SKIP: $1 is not installed (apt-get install $2): its checks did not run"
  skipped+=("$1")
  return 1
}

# The fenced blocks of language $2 in the README section whose heading starts with $1.
block() {
  awk -v head="### \`$1" -v lang="$2" '
    /^### / || /^## / { in_section = index($0, head) == 1; next }
    in_section && $0 == "```" lang { in_block = 1; next }
    in_block && $0 == "```" { in_block = 0; next }
    in_block { print }
  ' "$readme"
}

# Runs a README block as written, in the fresh HOME, from the project folder.
run_block() {
  local name=$1 code
  code=$(block "$name" sh)
  if [ -z "$code" ]; then fail "README section \`$name has no sh block"; return; fi
  echo "== README: $name"
  printf '%s\n' "$code" | sed 's/^/   $ /'
  if ! (cd "$project" && "${fresh[@]}" bash -euo pipefail -c "$code" >"$home/out" 2>&1); then
    fail "README block of \`$name failed:"
    sed 's/^/   /' "$home/out"
  fi
}

(cd "$project" && "${fresh[@]}" pirt init -q)

# --- pirt schema ------------------------------------------------------------------------
run_block "pirt schema" || true
for kind in review problem; do
  file=$project/.pirt/$kind.schema.json
  flag=$([ "$kind" = problem ] && echo --problem || true)
  if [ ! -s "$file" ]; then
    fail "$file was not written"
  elif ! cmp -s "$file" <(cd "$project" && "${fresh[@]}" pirt schema $flag); then
    fail "$file differs from pirt schema $flag"
  fi
done
grep -q 'yaml-language-server: \$schema=../.pirt/review.schema.json' <(block "pirt schema" markdown) ||
  fail "the schema modeline is not in the README"

# --- pirt man -----------------------------------------------------------------------------
run_block "pirt man"
man1=$home/.local/share/man/man1
pages=("$man1"/*.1)
[ -f "$man1/pirt.1" ] || fail "no pirt.1 in $man1"
[ -f "$man1/pirt-timeline-add.1" ] || fail "no pirt-timeline-add.1 in $man1"
echo "   ${#pages[@]} pages"
# Every page another page refers to exists.
for ref in $(cat "${pages[@]}" | grep -o '\\fB[a-z\\-]*\\fR(1)' | sed 's/\\fB//; s/\\fR(1)//; s/\\-/-/g' | sort -u); do
  [ -f "$man1/$ref.1" ] || fail "a page refers to $ref(1), which was not written"
done
cmp -s "$man1/pirt.1" <("${fresh[@]}" pirt man) || fail "pirt man differs from pirt.1 of --dir"

if have mandoc mandoc; then
  lint=$(mandoc -T lint "${pages[@]}" 2>&1 || true)
  if [ -n "$lint" ]; then fail "mandoc -T lint:"; echo "$lint" | sed 's/^/   /'; fi
  echo "   mandoc -T lint: $(printf '%s' "$lint" | grep -c . || true) messages on ${#pages[@]} pages"
fi

if have man man-db; then
  grep -q 'pirt timeline add' "$home/out" || fail "\`man pirt-timeline-add\` did not show the page"
  # Without ~/.local/bin on PATH, the README's MANPATH line.
  found=$(env -i HOME="$home" PATH=/usr/bin:/bin MANPATH="$home/.local/share/man:" man -w pirt-timeline-add 2>&1 || true)
  [ "$found" = "$man1/pirt-timeline-add.1" ] || fail "with MANPATH, man -w found: $found"
  env -i HOME="$home" PATH=/usr/bin:/bin MANPATH="$home/.local/share/man:" man -w ls >/dev/null 2>&1 ||
    fail "with MANPATH, the system pages are gone"
  grep -q '^NAME' <<<"$("${fresh[@]}" bash -c 'pirt man | man -l -' 2>&1)" || fail "pirt man | man -l - shows no page"
  # Rendered at 80 columns: each example of `--help` and each line of a no-fill block (the
  # examples, the rule table of check) is one output line, and no word is hyphenated.
  examples=0 lines=0
  for page in "${pages[@]}"; do
    name=$(basename "$page" .1)
    shown=$("${fresh[@]}" MANWIDTH=80 man -l "$page" 2>&1 | col -bx | sed 's/^ *//')
    if grep -q $'\u2010' <<<"$shown"; then
      fail "$name: hyphenated words:"
      grep $'\u2010' <<<"$shown" | sed 's/^/   /'
    fi
    read -r -a words <<<"${name//-/ }"
    while IFS= read -r line; do
      examples=$((examples + 1))
      grep -qxF -- "$line" <<<"$shown" || fail "$name: example not kept whole: $line"
    done < <("${fresh[@]}" COLUMNS=1000 "${words[@]}" --help | awk '/^Examples?:$/ { ex = 1; next } ex && /^  / { sub(/^ +/, ""); print }')
    while IFS= read -r line; do
      [ -z "$line" ] && continue
      lines=$((lines + 1))
      grep -qxF -- "$line" <<<"$shown" || fail "$name: no-fill line not kept whole: $line"
    done < <(awk '/^\.nf/ { nf = 1; next } /^\.fi/ { nf = 0; next } nf' "$page" |
      sed 's/\\-/-/g; s/\\\*(Aq/'"'"'/g; s/\\\\/\\/g; s/^ *//')
  done
  [ "$examples" -ge 30 ] || fail "only $examples examples found in --help"
  echo "   man: $examples examples of --help and $lines no-fill lines shown whole at 80 columns"
fi

# --- pirt completions ---------------------------------------------------------------------
run_block "pirt completions SHELL"
block "pirt completions SHELL" zsh >"$home/.zshrc"
grep -q 'fpath+=~/.zfunc' "$home/.zshrc" || fail "the README's ~/.zshrc lines are missing"

# bash: the loader of bash-completion finds the file on the first completion of pirt.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  got=$("${fresh[@]}" bash -c '
    source /usr/share/bash-completion/bash_completion
    __load_completion pirt && complete -p pirt >/dev/null || exit 3
    fn=$(complete -p pirt | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
    COMP_WORDS=(pirt ch); COMP_CWORD=1; COMP_LINE="pirt ch"; COMP_POINT=7
    "$fn" pirt ch pirt; printf "%s\n" "${COMPREPLY[@]}"' 2>&1) || true
  [ "$got" = check ] && echo "   bash (bash-completion): pirt ch<Tab> -> $got" ||
    fail "bash with bash-completion: pirt ch<Tab> gave: $got"
else
  echo "SKIP: bash-completion is not installed (apt-get install bash-completion): its check did not run"
  skipped+=(bash-completion)
fi
# bash without the package: the README's ~/.bashrc line.
got=$("${fresh[@]}" bash -c 'source <(pirt completions bash)
  COMP_WORDS=(pirt timeline a); COMP_CWORD=2; _pirt pirt a timeline; printf "%s\n" "${COMPREPLY[@]}"' 2>&1) || true
[ "$got" = add ] && echo "   bash (source <(...)): pirt timeline a<Tab> -> $got" ||
  fail "bash with source <(pirt completions bash): pirt timeline a<Tab> gave: $got"

# zsh: an interactive shell reads the README's ~/.zshrc; Tab is pressed in a pty.
if have zsh zsh; then
  got=$(cd "$project" && "${fresh[@]}" timeout 20 zsh -f -c '
    zmodload zsh/zpty
    zpty z "zsh -i"
    zpty -w -n z $'"'"'pirt ch\t'"'"'
    zpty -r z line "*pirt check *" && print -r -- completed
    zpty -d z' 2>&1) || true
  [[ "$got" == *completed* ]] && echo "   zsh (~/.zfunc, compinit): pirt ch<Tab> -> pirt check" ||
    fail "zsh: pirt ch<Tab> did not complete to pirt check: $got"
  "${fresh[@]}" zsh -n "$home/.zfunc/_pirt" || fail "zsh -n ~/.zfunc/_pirt"
fi

# fish: autoloaded from ~/.config/fish/completions.
if have fish fish; then
  got=$(cd "$project" && "${fresh[@]}" fish -c 'complete -C "pirt ch"; complete -C "pirt check --format "' 2>&1 | cut -f1 | tr '\n' ' ') || true
  [ "$got" = "check github human json sarif " ] && echo "   fish: pirt ch<Tab>, pirt check --format <Tab> -> $got" ||
    fail "fish: completions were: $got"
fi

if [ "$failures" -gt 0 ]; then
  echo "setup-in-fresh-home: $failures failure(s)"
  exit 1
fi
echo "setup-in-fresh-home: passed${skipped:+ (skipped: ${skipped[*]})}"
