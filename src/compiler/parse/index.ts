/**
 * ONNX file reading: protobufjs static code generated from ONNX's onnx.proto
 * (scripts/gen-onnx-proto.sh), tensor decoding, attribute access.
 */
export { readOnnx, type ModelProto } from './readOnnx.ts';
export { decodeSparseTensor, decodeTensor, toFloat64, type DecodedTensor, type TensorData, type TensorProto } from './tensor.ts';
export { Attributes } from './attributes.ts';
export { dtypeFromCode, type DType } from './dtypes.ts';
export { toBigInt, toNumber, toSafeInt } from './int64.ts';
