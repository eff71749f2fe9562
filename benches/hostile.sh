#!/usr/bin/env bash
# Times every hostile file of tests/cli/hardening.rs (hostile_files) through every command
# that reads files, with the release binary, and prints a Markdown table: exit code,
# seconds and peak memory per case. Fails if a run exits with anything but 0, 1 or 2 (a
# panic is 101, a signal 128+N), takes over 2 s or uses over 256 MB.
#
#   benches/hostile.sh [OUT_DIR]     needs /usr/bin/time (apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-$(mktemp -d)}")
bin=${PIRT_BIN:-}
if [[ -z $bin ]]; then cargo build --release --quiet && bin=$PWD/target/release/pirt; fi
rm -rf "$out" && mkdir -p "$out/cases" "$out/work/postmortems"
PIRT_HOSTILE_KEEP="$out/cases" cargo test --quiet --test cli -- --exact \
  hardening::hostile_files_through_every_command >/dev/null
truncate -s 50M "$out/cases/huge.md"
mkdir -p "$out/cases/folder.md"
ln -sf loop.md "$out/cases/loop.md"
cp tests/fixtures/checkout.md "$out/work/postmortems/ok.md"
cd "$out/work"
limit_s=2 limit_mb=256 failed=0
printf '| case | check | render html | draft --dry-run | timeline add | stats (corpus) | site (corpus) |\n'
printf '|---|---|---|---|---|---|---|\n'
for path in "$out"/cases/*; do
  name=$(basename "$path")
  row="| $name |"
  for c in check render draft timeline stats site; do
    work=$out/run && rm -rf "$work" && cp -r "$out/work" "$work"
    # Every command meets a fresh copy of the case (timeline add writes to it).
    if [[ -L $path || -d $path || $name == huge.md ]]; then
      cp -a "$path" "$work/postmortems/$name"
    else
      cp "$path" "$work/postmortems/$name"
    fi
    f=postmortems/$name
    case $c in
      check) cmd=(check "$f") ;;
      render) cmd=(render "$f" --format html -o "$work/out.html") ;;
      draft) cmd=(draft "$f" -p summary --dry-run) ;;
      timeline) cmd=(timeline add "$f" "hostile" --at 2026-11-20T14:30:00Z) ;;
      stats) cmd=(stats --format json) ;;
      site) cmd=(site "$work/public") ;;
    esac
    cd "$work"
    # The exit code from the shell: GNU time reports 0 for a process killed by a signal.
    code=0
    /usr/bin/time -q -o "$out/time" -f '%e %M' "$bin" "${cmd[@]}" >/dev/null 2>&1 || code=$?
    cd "$out/work"
    read -r s kb <"$out/time"
    mb=$((kb / 1024))
    row+=" $code · ${s} s · ${mb} MB |"
    if ((code > 2)) || awk -v s="$s" -v l=$limit_s 'BEGIN{exit !(s>l)}' || ((mb > limit_mb)); then
      echo "FAIL: pirt ${cmd[*]} on $name: exit $code, $s s, $mb MB" >&2
      failed=1
    fi
  done
  echo "$row"
done
exit $failed
