import { readFile, writeFile } from 'node:fs/promises';

/** One tensor read from a safetensors file, converted to a JS typed array. */
export interface ISafeTensor {
  /** dtype as stored in the file (F32, F16, BF16, I64, ...). */
  dtype: string;
  shape: number[];
  /** Floats become Float32Array; integer tensors become Int32Array (values must fit). */
  data: Float32Array | Int32Array;
}

/** Contents of a safetensors file: tensors by name plus the optional string metadata. */
export interface ISafetensorsFile {
  tensors: Map<string, ISafeTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1
};

// IEEE half -> float32, exact (subnormals included).
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) {
    return sign * frac * 2 ** -24;
  }
  if (exp === 0x1f) {
    return frac ? NaN : sign * Infinity;
  }
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(
  dtype: string,
  bytes: Uint8Array,
  count: number,
  name: string
): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] = view.getFloat32(i * 4, true);
      }
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] = view.getFloat64(i * 8, true);
      }
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] = halfToFloat(view.getUint16(i * 2, true));
      }
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        bits[i] = view.getUint16(i * 2, true) << 16;
      }
      return new Float32Array(bits.buffer);
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) {
          throw new Error(
            `safetensors tensor '${name}': I64 value ${v} does not fit in int32`
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] = view.getInt32(i * 4, true);
      }
      return out;
    }
    case 'I16':
    case 'I8':
    case 'U8':
    case 'BOOL': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] =
          dtype === 'I16'
            ? view.getInt16(i * 2, true)
            : dtype === 'I8'
              ? view.getInt8(i)
              : view.getUint8(i);
      }
      return out;
    }
    default:
      throw new Error(
        `safetensors tensor '${name}' has dtype ${dtype}; supported: ${Object.keys(BYTES).join(', ')}`
      );
  }
}

/**
 * Parses a safetensors buffer (8-byte little-endian header length, JSON header, raw data).
 * Written here because the npm `safetensors` package crashes on the `__metadata__` entry.
 * `source` names the file in error messages.
 */
export function parseSafetensors(
  buf: Uint8Array,
  source = 'safetensors buffer'
): ISafetensorsFile {
  if (buf.byteLength < 8) {
    throw new Error(
      `${source}: not a safetensors file (only ${buf.byteLength} bytes)`
    );
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(dv.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > buf.byteLength) {
    throw new Error(
      `${source}: header length ${headerLen} does not fit in a file of ${buf.byteLength} bytes (truncated download?)`
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder().decode(buf.subarray(8, 8 + headerLen))
    ) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `${source}: header is not valid JSON (${(e as Error).message})`
    );
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, ISafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const count = e.shape.reduce((a, b) => a * b, 1);
    const width = BYTES[e.dtype];
    if (width === undefined) {
      throw new Error(
        `${source}: tensor '${name}' has dtype ${e.dtype}; supported: ${Object.keys(BYTES).join(', ')}`
      );
    }
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * width || dataStart + end > buf.byteLength) {
      throw new Error(
        `${source}: tensor '${name}' (${e.dtype} [${e.shape.join(', ')}]) has data offsets [${begin}, ${end}] ` +
          `that do not match its size ${count * width} or the file size ${buf.byteLength}`
      );
    }
    const bytes = buf.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, {
      dtype: e.dtype,
      shape: e.shape,
      data: decode(e.dtype, bytes, count, name)
    });
  }
  return { tensors, metadata };
}

/** Reads a .safetensors file from disk. */
export async function readSafetensors(file: string): Promise<ISafetensorsFile> {
  return parseSafetensors(await readFile(file), file);
}

/** Serialises float32/int32 tensors (stored as F32 / I32) with optional metadata. */
export function serializeSafetensors(
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata?: Record<string, string>
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) {
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const size = t.data.length * 4;
    header[name] = {
      dtype: t.data instanceof Float32Array ? 'F32' : 'I32',
      shape: t.shape,
      data_offsets: [offset, offset + size]
    };
    offset += size;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  while ((8 + json.length) % 8 !== 0) {
    json += ' ';
  }
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  const dv = new DataView(out.buffer);
  for (const name of names) {
    const t = tensors.get(name)!;
    for (let i = 0; i < t.data.length; i++) {
      if (t.data instanceof Float32Array) {
        dv.setFloat32(pos, t.data[i], true);
      } else {
        dv.setInt32(pos, t.data[i], true);
      }
      pos += 4;
    }
  }
  return out;
}

/** Writes tensors to a .safetensors file. */
export async function writeSafetensors(
  file: string,
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata?: Record<string, string>
): Promise<void> {
  await writeFile(file, serializeSafetensors(tensors, metadata));
}
