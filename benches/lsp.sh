#!/usr/bin/env bash
# `pirt lsp` in a release build: the latency of diagnostics after a change of a 500-line
# review (the test harness `lsp_latency_of_a_500_line_review`, a debug build, pointed at
# the release server), and the peak memory with a workspace of SIZE generated reviews
# open (one review open, a completion of `services:` asked, so every file's facts are
# loaded), beside the same server on the shipped examples.
#
#   benches/lsp.sh [SIZE]     default: 10000
#
# Corpora go to $BENCH_DIR (default /tmp/pirt-bench) and are reused; the first start in a
# copied corpus builds its index, the figure is taken of the start after it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
work=${BENCH_DIR:-/tmp/pirt-bench}
cargo build --release --quiet --features bench-tools
bin=$PWD/target/release
mkdir -p "$work"
src=$work/corpus-$n
[[ -d $src/postmortems ]] || "$bin/pirt-gen-corpus" "$src" "$n" >&2
dir=$work/lsp-$n
[[ -d $dir/postmortems ]] || cp -r "$src" "$dir"

PIRT_LSP_BIN=$bin/pirt cargo test --quiet --test cli lsp_latency -- --ignored --nocapture 2>&1 |
  grep 'diagnostics'

probe() { # probe DIR: peak resident memory of a session in DIR, and its time
  python3 - "$bin/pirt" "$1" <<'PY'
import json, os, subprocess, sys, time
pirt, root = sys.argv[1], os.path.abspath(sys.argv[2])
p = subprocess.Popen([pirt, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def send(msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()
def read():
    length = 0
    while True:
        line = p.stdout.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))
def until(pred):
    while True:
        m = read()
        if "id" in m and "method" in m:
            send({"jsonrpc": "2.0", "id": m["id"], "result": None})
        if pred(m):
            return m
started = time.monotonic()
send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": "file://" + root, "capabilities": {}}})
until(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
reviews = sorted(os.listdir(os.path.join(root, "postmortems")))
path = os.path.join(root, "postmortems", reviews[-1])
text = open(path).read()
uri = "file://" + path
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
first = time.monotonic() - started
lines = text.split("\n")
line = next(i for i, l in enumerate(lines) if l.startswith("services:"))
send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion",
      "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": len(lines[line])}}})
items = until(lambda m: m.get("id") == 2)["result"]
count = len(items["items"] if isinstance(items, dict) else items or [])
hwm = next(l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmHWM")).split()[1]
send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
until(lambda m: m.get("id") == 3)
send({"jsonrpc": "2.0", "method": "exit"})
p.wait()
print("%s MB peak resident, %.2f s to the first diagnostics, %d completions" % (int(hwm) // 1024, first, count))
PY
}
probe "$dir" >/dev/null # builds the index on the first start
echo "$n reviews: $(probe "$dir")"
examples=$work/lsp-examples
rm -rf "$examples" && cp -r examples "$examples"
echo "examples: $(probe "$examples")"
