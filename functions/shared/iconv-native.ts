import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';

/**
 * What the Lambda bundles use in place of `iconv-lite` (infra/lambda/bundle-options.ts aliases
 * it here): 481 KB of code pages in the canary and the database user setup, which reach it
 * through mysql2 alone. mysql2 (lib/parsers/string.js) calls two of its functions, `getDecoder`
 * and `getEncoder`, and only for an encoding Node's Buffer does not know (`Buffer.isEncoding`
 * false). drctl connects with mysql2's default charset, utf8mb4, so the one such encoding it
 * meets is CESU-8: mysql2 reads the server version of every handshake with it. Here:
 * - CESU-8, decoded and encoded by hand (UTF-8 with each UTF-16 unit on its own, up to 3 bytes);
 * - Buffer's own encodings (utf8, ucs2/utf16le, latin1/binary, ascii, base64, hex);
 * - decoding only, through Node's TextDecoder, the single-byte code pages whose WHATWG decoder
 *   gives what iconv-lite gives for each of the 256 bytes (a test compares them byte by byte).
 * Any other encoding (a column or connection in cp1250, big5, sjis, ...) fails with an error that
 * names it: drctl's connections are utf8mb4. As in iconv-lite, a UTF-8, CESU-8 or UTF-16LE decoder
 * drops a BOM at the start of the first text it decodes (mysql2 keeps decoders for reuse).
 */

export interface Decoder {
  write(buffer: Buffer): string;
  end(): string | undefined;
}

export interface Encoder {
  write(text: string): Buffer;
  end(): Buffer | undefined;
}

/** mysql2's encoding name (iconv-lite's spelling, canonical form) -> the WHATWG label of the same table. */
const TEXT_DECODER_LABELS: Readonly<Record<string, string>> = {
  latin2: 'iso-8859-2',
  iso88592: 'iso-8859-2',
  greek: 'iso-8859-7',
  iso88597: 'iso-8859-7',
  hebrew: 'iso-8859-8',
  iso88598: 'iso-8859-8',
  latin7: 'iso-8859-13',
  iso885913: 'iso-8859-13',
  koi8r: 'koi8-r',
  cp866: 'ibm866',
  cp1256: 'windows-1256',
};

/** Buffer's encodings under iconv-lite's canonical names. */
const BUFFER_ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  utf8: 'utf8',
  unicode11utf8: 'utf8',
  ucs2: 'utf16le',
  utf16le: 'utf16le',
  latin1: 'latin1',
  binary: 'latin1',
  iso88591: 'latin1',
  ascii: 'ascii',
  usascii: 'ascii',
  base64: 'base64',
  hex: 'hex',
};

/** iconv-lite's canonical form of a name: lower case, letters and digits only ("UTF16-LE" -> "utf16le"). */
export function canonicalEncoding(encoding: string): string {
  return `${encoding}`.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, '');
}

function unsupported(encoding: string, direction: 'decode' | 'encode'): Error {
  return new Error(
    `cannot ${direction} "${encoding}": the Lambda bundles replace iconv-lite with Node's own encodings (functions/shared/iconv-native.ts) and ${encoding} is not one of them. drctl connects with utf8mb4: leave the connection's charset at its default (and read text columns as utf8mb4)`,
  );
}

const REPLACEMENT = '\uFFFD';

/**
 * CESU-8: one, two or three bytes per UTF-16 code unit, so a character beyond the BMP is its two
 * surrogates, three bytes each (six in all). State carries a sequence cut between two writes.
 */
class Cesu8Decoder implements Decoder {
  private unit = 0;
  private missing = 0;
  private length = 0;

  write(buffer: Buffer): string {
    let out = '';
    for (const byte of buffer) {
      if ((byte & 0xc0) === 0x80) {
        if (this.missing === 0) {
          out += REPLACEMENT;
          continue;
        }
        this.unit = (this.unit << 6) | (byte & 0x3f);
        this.missing--;
        if (this.missing === 0) out += this.complete();
        continue;
      }
      if (this.missing > 0) {
        out += REPLACEMENT;
        this.missing = 0;
      }
      if (byte < 0x80) out += String.fromCharCode(byte);
      else if (byte < 0xe0) this.start(byte & 0x1f, 1);
      else if (byte < 0xf0) this.start(byte & 0x0f, 2);
      else out += REPLACEMENT;
    }
    return out;
  }

  end(): string {
    const cut = this.missing > 0;
    this.missing = 0;
    return cut ? REPLACEMENT : '';
  }

  private start(bits: number, continuation: number): void {
    this.unit = bits;
    this.missing = continuation;
    this.length = continuation + 1;
  }

  /** Overlong forms are refused, but for Modified UTF-8's two-byte NUL (C0 80). */
  private complete(): string {
    const overlong = this.length === 2 ? this.unit < 0x80 && this.unit > 0 : this.unit < 0x800;
    return overlong ? REPLACEMENT : String.fromCharCode(this.unit);
  }
}

class Cesu8Encoder implements Encoder {
  write(text: string): Buffer {
    const out = Buffer.alloc(text.length * 3);
    let at = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) {
        out[at++] = unit;
      } else if (unit < 0x800) {
        out[at++] = 0xc0 | (unit >>> 6);
        out[at++] = 0x80 | (unit & 0x3f);
      } else {
        out[at++] = 0xe0 | (unit >>> 12);
        out[at++] = 0x80 | ((unit >>> 6) & 0x3f);
        out[at++] = 0x80 | (unit & 0x3f);
      }
    }
    return out.subarray(0, at);
  }

  end(): undefined {
    return undefined;
  }
}

class StreamingTextDecoder implements Decoder {
  constructor(private readonly decoder: TextDecoder) {}

  write(buffer: Buffer): string {
    return this.decoder.decode(buffer, { stream: true });
  }

  end(): string {
    return this.decoder.decode();
  }
}

/** Drops one U+FEFF at the start of the first non-empty text decoded, then passes everything through. */
class StripBom implements Decoder {
  private started = false;

  constructor(private readonly inner: Decoder) {}

  write(buffer: Buffer): string {
    const text = this.inner.write(buffer);
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  end(): string | undefined {
    return this.inner.end();
  }
}

/** The encodings iconv-lite treats as BOM-aware. */
const BOM_AWARE = new Set(['utf8', 'unicode11utf8', 'cesu8', 'ucs2', 'utf16le']);

function rawDecoder(encoding: string): Decoder {
  const name = canonicalEncoding(encoding);
  if (name === 'cesu8') return new Cesu8Decoder();
  const native = BUFFER_ENCODINGS[name];
  if (native) {
    const decoder = new StringDecoder(native);
    return { write: (buffer) => decoder.write(buffer), end: () => decoder.end() };
  }
  const label = TEXT_DECODER_LABELS[name];
  if (label === undefined) throw unsupported(encoding, 'decode');
  try {
    return new StreamingTextDecoder(new TextDecoder(label));
  } catch {
    // A Node built without ICU has no legacy code pages.
    throw unsupported(encoding, 'decode');
  }
}

/** iconv-lite's getDecoder: a decoder for the encoding (BOM-aware ones drop it unless options.stripBOM is false). */
export function getDecoder(encoding: string, options?: { stripBOM?: boolean }): Decoder {
  const decoder = rawDecoder(encoding);
  const stripsBom = BOM_AWARE.has(canonicalEncoding(encoding)) && options?.stripBOM !== false;
  return stripsBom ? new StripBom(decoder) : decoder;
}

/** iconv-lite's getEncoder, for CESU-8 and Buffer's encodings (no BOM added: drctl never asks for one). */
export function getEncoder(encoding: string, _options?: unknown): Encoder {
  const name = canonicalEncoding(encoding);
  if (name === 'cesu8') return new Cesu8Encoder();
  const native = BUFFER_ENCODINGS[name];
  if (native === undefined) throw unsupported(encoding, 'encode');
  return { write: (text) => Buffer.from(text, native), end: () => undefined };
}

/** iconv-lite's one-shot helpers, on the same codecs. */
export function decode(buffer: Buffer, encoding: string): string {
  const decoder = getDecoder(encoding);
  return decoder.write(buffer) + (decoder.end() ?? '');
}

export function encode(text: string, encoding: string): Buffer {
  const encoder = getEncoder(encoding);
  const head = encoder.write(text);
  const tail = encoder.end();
  return tail && tail.length > 0 ? Buffer.concat([head, tail]) : head;
}

export function encodingExists(encoding: string): boolean {
  const name = canonicalEncoding(encoding);
  return name === 'cesu8' || name in BUFFER_ENCODINGS || name in TEXT_DECODER_LABELS;
}

export default { getDecoder, getEncoder, decode, encode, encodingExists };
