/**
 * All supported ONNX ops (default domain), registered by family.
 */
import { register as logic } from './logic.ts';
import { register as math } from './math.ts';
import { register as nn } from './nn.ts';
import { register as quant } from './quant.ts';
import { register as reduce } from './reduce.ts';
import { OpRegistry } from './registry.ts';
import { register as shape } from './shape.ts';

export const OPS = new OpRegistry();
for (const register of [math, nn, shape, logic, reduce, quant]) register(OPS);
export { OpRegistry };
