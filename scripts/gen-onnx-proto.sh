#!/usr/bin/env bash
# Regenerates the ONNX protobuf decoder (static code + TypeScript types) from the official
# schema with protobufjs-cli. Run from anywhere: `bash scripts/gen-onnx-proto.sh [path/to/onnx.proto]`.
# The schema is copied to src/compiler/parse/onnx.proto (default source: Debian's python3-onnx).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/src/compiler/parse"
SRC="${1:-/usr/lib/python3/dist-packages/onnx/onnx.proto}"
BIN="$ROOT/node_modules/.bin"

if [ "$SRC" != "$OUT/onnx.proto" ]; then cp "$SRC" "$OUT/onnx.proto"; fi

# pbts (jsdoc) only reads files ending in .js.
TMP_JS="$(mktemp --suffix=.js "$OUT/.onnx-pb.XXXXXX")"
TMP_DTS="$(mktemp --suffix=.d.ts "$OUT/.onnx-pb.XXXXXX")"
trap 'rm -f "$TMP_JS" "$TMP_DTS"' EXIT

# Decoding only: no encoders, no JSON conversion helpers, no verifiers, no delimited codecs.
"$BIN/pbjs" -t static-module -w es6 --no-encode --no-delimited --no-verify --no-convert \
  -o "$TMP_JS" "$OUT/onnx.proto"
# protobufjs 8 is an ES module package without a "minimal" subpath default export issue:
# import the runtime explicitly with its file extension so Node's ESM resolver finds it.
sed -i 's#from "protobufjs/minimal"#from "protobufjs/minimal.js"#' "$TMP_JS"
"$BIN/pbts" -o "$TMP_DTS" "$TMP_JS"

mv "$TMP_JS" "$OUT/onnx-pb.js"
mv "$TMP_DTS" "$OUT/onnx-pb.d.ts"
chmod 644 "$OUT/onnx-pb.js" "$OUT/onnx-pb.d.ts"
trap - EXIT
echo "wrote $OUT/onnx-pb.js and $OUT/onnx-pb.d.ts"
