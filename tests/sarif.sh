#!/usr/bin/env bash
# pirt's SARIF against the real tools: Microsoft's SARIF multitool (`validate` with the SARIF
# and GitHub rule sets, the checks GitHub code scanning applies) and the OASIS SARIF 2.1.0
# JSON Schema (shipped with the multitool) through check-jsonschema. Four logs: findings run
# from the repository root, the same from a subfolder, a clean run, and a broken config.
# Any multitool result (error, warning or note) or schema error fails.
#
#   tests/sarif.sh   needs SARIF_MULTITOOL (the multitool binary, from the npm package
#                    @microsoft/sarif-multitool-linux) and check-jsonschema on PATH
#                    PIRT_BIN: a built pirt (default: target/debug/pirt)
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${SARIF_MULTITOOL:-$(command -v Sarif.Multitool || true)}
[[ -x $tool ]] || { echo "set SARIF_MULTITOOL (npm install @microsoft/sarif-multitool-linux)" >&2; exit 2; }
schema=${SARIF_SCHEMA:-$(dirname "$tool")/sarif-2.1.0.json}
command -v check-jsonschema >/dev/null || { echo "install check-jsonschema first" >&2; exit 2; }
bin=$(realpath "${PIRT_BIN:-./target/debug/pirt}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PIRT_TODAY=2026-11-26
expect() { # exit code, log name, command...
  local want=$1 name=$2 code=0; shift 2
  "$@" > "$tmp/$name.sarif" 2>/dev/null || code=$?
  [[ $code -eq $want ]] || { echo "FAIL: $name exits $code, not $want" >&2; exit 1; }
}
(cd tests/fixtures/check && expect 1 findings "$bin" check rules --format sarif)
(cd tests/fixtures/check/rules && expect 1 subfolder "$bin" --config ../pirt.toml check chronology/fail.md schema --format sarif)
(cd examples && expect 0 clean "$bin" check postmortems/2018-10-21-degraded-service-after-43s-network-partition.md --format sarif)
mkdir "$tmp/broken" && printf 'timezone = "Mars/Olympus"\n' > "$tmp/broken/pirt.toml"
code=0; ( cd "$tmp/broken" && "$bin" check --format sarif > "$tmp/broken.sarif" 2>/dev/null ) || code=$?
[[ $code -eq 2 ]] || { echo "FAIL: a broken config exits $code, not 2" >&2; exit 1; }
failures=0
for log in findings subfolder clean broken; do
  check-jsonschema --schemafile "$schema" "$tmp/$log.sarif" >/dev/null \
    || { echo "FAIL: $log.sarif does not match the SARIF 2.1.0 schema" >&2; failures=$((failures + 1)); }
  "$tool" validate "$tmp/$log.sarif" --rule-kind "Sarif;Gh" -o "$tmp/$log.validation" --log ForceOverwrite >/dev/null
  found=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[x for run in d["runs"] for x in run.get("results",[])]; [print("  ", x["ruleId"], x["message"].get("text") or x["message"].get("arguments")) for x in r]; print(len(r))' "$tmp/$log.validation" | tail -1)
  if [[ $found -ne 0 ]]; then
    echo "FAIL: the multitool reports $found result(s) on $log.sarif:" >&2
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print("  ", x["ruleId"], x["message"].get("arguments")) for run in d["runs"] for x in run.get("results",[])]' "$tmp/$log.validation" >&2
    failures=$((failures + 1))
  fi
done
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def results(name): return json.load(open(f"{tmp}/{name}.sarif"))["runs"][0]
f, s, b, c = results("findings"), results("subfolder"), results("broken"), results("clean")
assert c["results"] == [] and c["invocations"][0]["executionSuccessful"] is True, c
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in f["results"] + s["results"]}
assert uris and all(u.startswith("tests/fixtures/check/rules/") for u in uris), uris
assert b["invocations"][0]["executionSuccessful"] is False and b["invocations"][0]["toolExecutionNotifications"], b
PY
[[ $failures -eq 0 ]] || exit 1
echo "SARIF: 4 logs valid against the schema, 0 multitool results (SARIF and GitHub rules), URIs relative to the repository root"
