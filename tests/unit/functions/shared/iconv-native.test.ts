import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as native from '../../../../functions/shared/iconv-native.ts';

interface Codec {
  write(input: never): string | Buffer;
  end(): unknown;
}
// The real package (mysql2's dependency), to hold the replacement to it.
const iconv = createRequire(import.meta.url)('iconv-lite') as {
  decode(buffer: Buffer, encoding: string): string;
  encode(text: string, encoding: string): Buffer;
  getDecoder(encoding: string): Codec;
};

/** A small seeded generator: the same cases on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Text from every range CESU-8 encodes differently: ASCII, 2 bytes, 3 bytes, and beyond the BMP (surrogate pairs). */
function text(next: () => number, length: number): string {
  const points = [0x41, 0xe9, 0x3b1, 0x65e5, 0xfeff, 0x1f4a9, 0x10ffff, 0x0];
  return Array.from({ length }, () => {
    const base = points[Math.floor(next() * points.length)] as number;
    const point = base === 0 ? Math.floor(next() * 0x80) : Math.min(base + Math.floor(next() * 64), 0x10ffff);
    return String.fromCodePoint(point);
  }).join('');
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));

/** What a Lambda bundle resolves `iconv-lite` to (infra/lambda/bundle-options.ts). */
describe("iconv-lite in the Lambda bundles: Node's own encodings and CESU-8", () => {
  it('decodes and encodes CESU-8 as iconv-lite does (the server version of every MySQL handshake)', () => {
    // Prepare
    const next = random(14);
    const texts = Array.from({ length: 300 }, () => text(next, 1 + Math.floor(next() * 12)));

    // Act
    const encoded = texts.map((value) => native.encode(value, 'cesu8'));
    const decoded = encoded.map((bytes) => native.decode(bytes, 'cesu8'));

    // Assess
    expect(encoded).toEqual(texts.map((value) => iconv.encode(value, 'cesu8')));
    expect(decoded).toEqual(texts.map((value) => iconv.decode(iconv.encode(value, 'cesu8'), 'cesu8')));
    expect(native.decode(Buffer.from('eda0bdedb2a9', 'hex'), 'cesu8')).toBe('💩');
  });

  it('replaces invalid CESU-8 bytes as iconv-lite does', () => {
    // Prepare: arbitrary bytes (cut, overlong and 4-byte sequences among them)
    const next = random(7);
    const buffers = Array.from({ length: 400 }, () =>
      Buffer.from(Array.from({ length: 1 + Math.floor(next() * 10) }, () => Math.floor(next() * 256))),
    );

    // Act
    const ours = buffers.map((bytes) => native.getDecoder('cesu8').write(bytes));

    // Assess (write() alone: iconv-lite's end() of a cut sequence returns "0\ufffd", a bug of its own)
    expect(ours).toEqual(buffers.map((bytes) => iconv.getDecoder('cesu8').write(bytes as never)));
  });

  it.each(['latin2', 'greek', 'hebrew', 'latin7', 'koi8r', 'cp866', 'cp1256'])(
    'decodes each of the 256 bytes of %s as iconv-lite does',
    (encoding) => {
      // Act
      const ours = native.decode(ALL_BYTES, encoding);

      // Assess
      expect(ours).toBe(iconv.decode(ALL_BYTES, encoding));
    },
  );

  it("decodes Buffer's encodings under iconv-lite's names (mysql2's utf16-le), BOM handling included", () => {
    // Prepare
    const utf16 = Buffer.from('\ufeffzwölf', 'utf16le');
    const utf8 = Buffer.from('\ufeffnaïve', 'utf8');

    // Act
    const decoded = [
      native.decode(utf16, 'utf16-le'),
      native.decode(utf8, 'UTF-8'),
      native.decode(utf8, 'binary'),
    ];

    // Assess
    expect(decoded).toEqual([
      iconv.decode(utf16, 'utf16-le'),
      iconv.decode(utf8, 'UTF-8'),
      iconv.decode(utf8, 'binary'),
    ]);
    expect(decoded.slice(0, 2)).toEqual(['zwölf', 'naïve']);
  });

  it('fails on any other encoding with an error that names it and the fix', () => {
    // Act
    const decodeBig5 = () => native.getDecoder('big5');
    const encodeCp1250 = () => native.getEncoder('cp1250');
    const encodeLatin2 = () => native.getEncoder('latin2');

    // Assess
    expect(decodeBig5).toThrow('cannot decode "big5"');
    expect(encodeCp1250).toThrow('cannot encode "cp1250"');
    expect(encodeLatin2).toThrow(/cannot encode "latin2".*drctl connects with utf8mb4/);
  });
});
