/**
 * Reads an ONNX file (or its bytes) into a ModelProto, decoded by protobufjs static code
 * generated from ONNX's own schema (onnx.proto → onnx-pb.js, see scripts/gen-onnx-proto.sh).
 *
 * Every failure is an OnnxParseError with a code:
 *   ONNX_FILE_NOT_FOUND, ONNX_NOT_A_FILE, ONNX_READ_FAILED, ONNX_NOT_ONNX, ONNX_TRUNCATED,
 *   ONNX_NO_GRAPH, ONNX_NO_OPSET, ONNX_EXTERNAL_DATA (checked here for initializers so that
 *   the error comes before any import work).
 */
import { readFileSync, statSync } from 'node:fs';
import { OnnxParseError } from '../../errors.ts';
import { toNumber } from './int64.ts';
import { onnx } from './onnx-pb.js';

export type ModelProto = onnx.ModelProto;

/** Reads and decodes an ONNX model. `source` is a file path or the file's bytes. */
export function readOnnx(source: string | Uint8Array): ModelProto {
  const label = typeof source === 'string' ? `'${source}'` : 'the ONNX bytes';
  const bytes = typeof source === 'string' ? readBytes(source) : source;
  if (bytes.length === 0) {
    throw new OnnxParseError('ONNX_NOT_ONNX', `${label} is empty, not an ONNX model`, {
      fix: 'pass the .onnx file exported from your framework (e.g. torch.onnx.export)',
    });
  }
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    if (looksLikeOnnx(bytes)) {
      throw new OnnxParseError(
        'ONNX_TRUNCATED',
        `${label} is truncated or corrupt: it starts like an ONNX model but protobuf decoding failed (${(err as Error).message}) in ${bytes.length} bytes`,
        { cause: err, fix: 'copy or export the model again; check that the download or copy finished' },
      );
    }
    throw new OnnxParseError('ONNX_NOT_ONNX', `${label} is not an ONNX model (not a protobuf ModelProto: ${(err as Error).message})`, {
      cause: err,
      fix: 'pass the .onnx file exported from your framework (e.g. torch.onnx.export)',
    });
  }
  const irVersion = toNumber(model.irVersion);
  if (!model.graph) {
    if (irVersion <= 0 || irVersion > 100) {
      throw new OnnxParseError('ONNX_NOT_ONNX', `${label} is not an ONNX model (no ir_version and no graph)`, {
        fix: 'pass the .onnx file exported from your framework (e.g. torch.onnx.export); a tensor .pb file is not a model',
      });
    }
    throw new OnnxParseError('ONNX_NO_GRAPH', `${label} is an ONNX file without a graph (truncated, or only metadata)`, {
      fix: 'copy or export the model again; the file must contain the model graph',
    });
  }
  if (irVersion <= 0 || irVersion > 100) {
    throw new OnnxParseError('ONNX_NOT_ONNX', `${label} is not an ONNX model (ir_version ${irVersion})`, {
      fix: 'pass the .onnx file exported from your framework (e.g. torch.onnx.export)',
    });
  }
  if (irVersion >= 3 && (model.opsetImport?.length ?? 0) === 0) {
    throw new OnnxParseError('ONNX_NO_OPSET', `${label} has no opset_import (truncated after the graph?)`, {
      fix: 'copy or export the model again',
    });
  }
  for (const t of model.graph.initializer ?? []) {
    if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
      const location = t.externalData?.find((e) => e.key === 'location')?.value;
      throw new OnnxParseError(
        'ONNX_EXTERNAL_DATA',
        `${label} keeps tensor '${t.name}' in an external data file${location ? ` ('${location}')` : ''}; external data is unsupported`,
        {
          fix:
            'embed the weights in the .onnx file: python3 -c "import onnx; m = onnx.load(\'model.onnx\'); ' +
            'onnx.save(m, \'model-embedded.onnx\', save_as_external_data=False)" (run it next to the data file)',
        },
      );
    }
  }
  return model;
}

function readBytes(path: string): Uint8Array {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new OnnxParseError('ONNX_FILE_NOT_FOUND', `ONNX file '${path}' does not exist`, {
        cause: err,
        fix: 'check the path (relative paths are resolved from the current directory)',
      });
    }
    throw new OnnxParseError('ONNX_READ_FAILED', `cannot read ONNX file '${path}': ${(err as Error).message}`, {
      cause: err,
      fix: 'check the file permissions',
    });
  }
  if (!isFile) {
    throw new OnnxParseError('ONNX_NOT_A_FILE', `'${path}' is not a file`, { fix: 'pass the path of the .onnx file itself' });
  }
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OnnxParseError('ONNX_READ_FAILED', `cannot read ONNX file '${path}': ${(err as Error).message}`, {
      cause: err,
      fix: 'check the file permissions',
    });
  }
}

/**
 * Exporters write ir_version (field 1, varint) first: tag byte 0x08 followed by a small
 * version number. Used to tell a truncated model from a file that is not ONNX at all.
 */
function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x08 && bytes[1] >= 1 && bytes[1] <= 30;
}
