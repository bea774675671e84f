#!/usr/bin/env bash
# Copies the hub's CRDs from ../shared/crds into this folder as JSON.
# Why JSON: two of the upstream YAML files carry continuation lines that only lenient parsers
# (PyYAML, Go's yaml) read right; the JSON copies read the same everywhere (Node, kubectl, tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../../../shared/crds}
for f in "$src"/*.yaml; do
  python3 - "$f" "$here/$(basename "${f%.yaml}").json" <<'PY'
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
json.dump(doc, open(sys.argv[2], "w"), indent=1, sort_keys=True)
open(sys.argv[2], "a").write("\n")
PY
done
ls "$here"/*.json
