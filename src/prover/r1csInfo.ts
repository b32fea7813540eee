/**
 * readR1csInfo: the header of a circom `.r1cs` file (wires, public/private signal counts,
 * constraints), read without loading the constraints.
 */
import { open } from 'node:fs/promises';
import { ArtifactError } from '../errors.ts';
import { BN128_R, leToBig } from './ptau/ptauFormat.ts';

export interface R1csInfo {
  prime: bigint;
  /** Wires, including the constant 1 (snarkjs's nVars). */
  nWires: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
  nConstraints: number;
}

export async function readR1csInfo(file: string): Promise<R1csInfo> {
  const fail = (why: string, cause?: unknown): ArtifactError =>
    new ArtifactError('R1CS_INVALID', `${file} is not a readable .r1cs file: ${why}`, {
      cause,
      fix: 'recompile the model with `zkinfer compile`',
      details: { file },
    });
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new ArtifactError('R1CS_MISSING', `${file} cannot be opened (${(e as NodeJS.ErrnoException).code ?? e})`, {
      cause: e,
      fix: 'compile the model first with `zkinfer compile`',
      details: { file },
    });
  }
  try {
    const { size } = await fh.stat();
    const read = async (pos: number, len: number): Promise<DataView> => {
      if (pos + len > size) throw fail(`it ends after ${size} bytes (truncated?)`);
      const b = new Uint8Array(len);
      await fh.read(b, 0, len, pos);
      return new DataView(b.buffer);
    };
    const head = await read(0, 12);
    if (String.fromCharCode(head.getUint8(0), head.getUint8(1), head.getUint8(2), head.getUint8(3)) !== 'r1cs') {
      throw fail('wrong magic bytes');
    }
    const nSections = head.getUint32(8, true);
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = await read(pos, 12);
      const type = sh.getUint32(0, true);
      const len = Number(sh.getBigUint64(4, true));
      pos += 12;
      if (pos + len > size) throw fail(`section ${type} ends at byte ${pos + len} but the file has ${size} bytes (truncated?)`);
      if (type === 1) {
        const n8 = (await read(pos, 4)).getUint32(0, true);
        if (n8 !== 32) throw fail(`field elements of ${n8} bytes (expected BN254, 32)`);
        const primeBytes = new Uint8Array((await read(pos + 4, 32)).buffer);
        const prime = leToBig(primeBytes);
        if (prime !== BN128_R) throw fail('its field is not BN254 (compile with circom --prime bn128)');
        const h = await read(pos + 36, 28);
        return {
          prime,
          nWires: h.getUint32(0, true),
          nOutputs: h.getUint32(4, true),
          nPubInputs: h.getUint32(8, true),
          nPrvInputs: h.getUint32(12, true),
          nLabels: Number(h.getBigUint64(16, true)),
          nConstraints: h.getUint32(24, true),
        };
      }
      pos += len;
    }
    throw fail('it has no header section');
  } finally {
    await fh.close();
  }
}
