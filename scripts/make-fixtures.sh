#!/usr/bin/env bash
# Regenerate every fixture model: fixtures/models/{digits-mlp,digits-cnn}/, their quantized versions
# fixtures/models/digits-{mlp,cnn}-{qdq,qlinear}/, and test/fixtures/onnx/*/.
#
# 1. Installs Debian's python3-torch, python3-onnx, python3-sklearn if missing (apt-get update only if needed).
# 2. Trains/exports with /usr/bin/python3 (Debian's, not a pyenv python3): scripts/fixtures/make_digits.py,
#    then scripts/fixtures/make_quantized.py (QDQ and QOperator models from the float weights, own
#    calibration) and scripts/fixtures/make_edge_cases.py.
# 3. Computes reference outputs with onnxruntime-node (scripts/fixtures/reference-outputs.ts) and cross-checks
#    them against torch.
#
# Idempotent and deterministic (fixed seeds, one thread): a second run rewrites byte-identical files.
# The committed files are the source of truth; tests never need torch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3

need_debs=()
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q 'install ok installed' || need_debs+=(python3-torch)
dpkg-query -W -f='${Status}' python3-onnx 2>/dev/null | grep -q 'install ok installed' || need_debs+=(python3-onnx)
dpkg-query -W -f='${Status}' python3-sklearn 2>/dev/null | grep -q 'install ok installed' || need_debs+=(python3-sklearn)
if [ "${#need_debs[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing ${need_debs[*]} (Debian packages for $PY)"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y "${need_debs[@]}"; then
    echo "apt-get install failed; running apt-get update first"
    $SUDO apt-get update
    $SUDO apt-get install -y "${need_debs[@]}"
  fi
fi
"$PY" -c 'import torch, onnx, sklearn' || { echo "error: $PY cannot import torch, onnx and sklearn" >&2; exit 1; }

# Determinism: one thread everywhere, fixed hash seed.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0
export PYTHONDONTWRITEBYTECODE=1 PYTHONWARNINGS=ignore

FIXTURE_REF_DIR="$(mktemp -d "${TMPDIR:-/tmp}/zkinfer-fixture-refs.XXXXXX")"
export FIXTURE_REF_DIR
trap 'rm -rf "$FIXTURE_REF_DIR"' EXIT

"$PY" scripts/fixtures/make_digits.py
"$PY" scripts/fixtures/make_quantized.py
"$PY" scripts/fixtures/make_edge_cases.py

# The ONNX runtime for reference outputs: the project's onnxruntime-node, via tsx.
if [ -x node_modules/.bin/tsx ]; then
  node_modules/.bin/tsx scripts/fixtures/reference-outputs.ts
else
  npx --no-install tsx scripts/fixtures/reference-outputs.ts
fi

echo "fixtures written: $(find fixtures/models test/fixtures -type f -printf '%s\n' | awk '{s += $1} END {print s}') bytes"
