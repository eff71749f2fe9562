#!/usr/bin/env bash
# `pirt schema` and `pirt check` must agree, judged by a real JSON Schema validator
# (check-jsonschema): the schema must be a valid draft 2020-12 schema, and for every
# example and fixture review, the front matter fails the schema exactly when `pirt check`
# finds an error of a rule the schema can express (yaml-syntax, schema, severity-scale).
# Unknown keys are warnings in check and allowed (marked) by the schema.
#
#   tests/schema-agrees.sh        needs check-jsonschema on PATH (pip install check-jsonschema)
#                                 PIRT_BIN: a built pirt (default: target/debug/pirt)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v check-jsonschema >/dev/null || { echo "install check-jsonschema first (pip install check-jsonschema)" >&2; exit 2; }
bin=${PIRT_BIN:-./target/debug/pirt}
[[ -x $bin ]] || cargo build --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
for config in examples/pirt.toml tests/fixtures/check/pirt.toml; do
  "$bin" --config "$config" schema > "$tmp/schema.json"
  check-jsonschema --check-metaschema "$tmp/schema.json" >/dev/null \
    || { echo "FAIL: the schema for $config is not a valid JSON Schema" >&2; exit 1; }
done
checked=0
while IFS= read -r file; do
  case $file in
    examples/*) config=examples/pirt.toml ;;
    tests/fixtures/check/*) config=tests/fixtures/check/pirt.toml ;;
    *) config=tests/fixtures/pirt.toml ;;
  esac
  # Problem records have a schema of their own.
  case $file in */problems/*) continue ;; esac
  "$bin" --config "$config" schema > "$tmp/schema.json"
  # The front matter: the lines between the first two `---` lines.
  awk 'NR==1 && /^---[[:space:]]*$/ {on=1; next} on && /^---[[:space:]]*$/ {exit} on' "$file" > "$tmp/front.yaml"
  if [[ ! -s $tmp/front.yaml ]]; then continue; fi
  errors=$({ "$bin" --config "$config" check "$file" --format json 2>/dev/null || true; } \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for x in d["diagnostics"] if x["level"]=="error" and x["rule"] in ("yaml-syntax","schema","severity-scale") and x["path"].endswith(sys.argv[1])))' "$(basename "$file")")
  if check-jsonschema --schemafile "$tmp/schema.json" "$tmp/front.yaml" > "$tmp/out" 2>&1; then valid=yes; else valid=no; fi
  checked=$((checked + 1))
  if [[ $valid == yes && $errors -gt 0 ]]; then
    echo "DISAGREE: $file: the schema accepts it, pirt check finds $errors error(s)" >&2; failures=$((failures + 1))
  elif [[ $valid == no && $errors -eq 0 ]]; then
    echo "DISAGREE: $file: the schema rejects it, pirt check does not:" >&2; sed 's/^/  /' "$tmp/out" >&2; failures=$((failures + 1))
  fi
done < <(find examples/postmortems tests/fixtures/check tests/fixtures/bad tests/fixtures/checkout.md tests/fixtures/unknown-key.md -name '*.md' | sort)
echo "schema and check agree on $((checked - failures)) of $checked files"
[[ $checked -ge 40 ]] || { echo "FAIL: only $checked files were compared (fixtures moved?)" >&2; exit 1; }
[[ $failures -eq 0 ]]
