// A ZIP writer for the page's downloads. Each entry is deflated with the platform's
// CompressionStream('deflate-raw') (browsers, workers, Node 18+: no dependency) and stored as it is
// when deflating would not make it smaller, as zip tools do. Entries are written in the given
// order and dated with the date given (the report's timestamps.finished_at), both as DOS date and
// time fields and as an extended timestamp (UTC), so the same files and date always give the same
// archive bytes. Names are UTF-8 (general purpose flag bit 11).
// Limits: fewer than 65,535 entries and under 4 GiB in all (no ZIP64).

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as ZIP and gzip use it) of a Uint8Array, as an unsigned number. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The earliest date a DOS date field holds, used when no usable date is given. */
export const DOS_EPOCH = Date.UTC(1980, 0, 1);
const DOS_LAST = Date.UTC(2107, 11, 31, 23, 59, 58);

/**
 * An ISO 8601 date-time (`2025-12-13T10:30:00Z`, with an offset or fractional seconds) as
 * milliseconds since 1970 (UTC), or null when it is not one or lies outside what a DOS date holds
 * (1980 to 2107).
 */
export function parseTimestamp(text) {
  if (typeof text !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text.trim())) return null;
  const ms = Date.parse(text.trim().replace(' ', 'T'));
  if (!Number.isFinite(ms) || ms < DOS_EPOCH || ms > DOS_LAST) return null;
  return ms;
}

/** {time, date} DOS fields for a UTC instant (seconds rounded down to even, as DOS keeps them). */
export function dosDateTime(ms) {
  const d = new Date(ms);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Raw deflate (RFC 1951) of `bytes` through CompressionStream. */
export async function deflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The bytes of a ZIP archive holding `entries`: [{name, data}], `data` a string (written as
 * UTF-8, no BOM) or a Uint8Array. Names use `/` between folders and must be relative.
 * `date`: milliseconds since 1970 (UTC) for every entry (see parseTimestamp); 1980-01-01 when
 * left out. `deflate`: false stores every entry as it is.
 */
export async function zip(entries, { date = DOS_EPOCH, deflate = true } = {}) {
  const when = Number.isFinite(date) && date >= DOS_EPOCH && date <= DOS_LAST ? date : DOS_EPOCH;
  const dos = dosDateTime(when);
  const unix = Math.floor(when / 1000);
  const enc = new TextEncoder();
  const files = [];
  for (const { name, data } of entries) {
    if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')
      || name.split('/').some((p) => p === '..' || p === '.')) {
      throw new Error(`zip: ${JSON.stringify(name)} is not a relative file name`);
    }
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    let body = bytes;
    let method = 0;
    if (deflate && bytes.length > 0) {
      const packed = await deflateRaw(bytes);
      if (packed.length < bytes.length) {
        body = packed;
        method = 8;
      }
    }
    files.push({ name: enc.encode(name), size: bytes.length, body, method, crc: crc32(bytes) });
  }
  if (files.length >= 0xffff) throw new Error('zip: too many entries');

  // The extended timestamp extra field (0x5455): the modification time in UTC seconds.
  const EXTRA = 9;
  let size = 22;
  for (const f of files) size += 30 + f.name.length + EXTRA + f.body.length + 46 + f.name.length + EXTRA;
  if (size > 0xffffffff) throw new Error('zip: too large');

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const u8 = (v) => { view.setUint8(pos, v); pos += 1; };
  const u16 = (v) => { view.setUint16(pos, v, true); pos += 2; };
  const u32 = (v) => { view.setUint32(pos, v >>> 0, true); pos += 4; };
  const put = (b) => { out.set(b, pos); pos += b.length; };
  const extra = () => {
    u16(0x5455); // extended timestamp
    u16(5);
    u8(1); // flags: modification time present
    u32(unix);
  };

  const offsets = [];
  for (const f of files) {
    offsets.push(pos);
    u32(0x04034b50); // local file header
    u16(f.method === 8 ? 20 : 10); // version needed: 2.0 (deflate) or 1.0 (stored)
    u16(0x0800); // flags: UTF-8 names
    u16(f.method);
    u16(dos.time);
    u16(dos.date);
    u32(f.crc);
    u32(f.body.length); // compressed size
    u32(f.size); // uncompressed size
    u16(f.name.length);
    u16(EXTRA);
    put(f.name);
    extra();
    put(f.body);
  }
  const cdStart = pos;
  files.forEach((f, i) => {
    u32(0x02014b50); // central directory header
    u16(0x031e); // made by: Unix, spec 3.0
    u16(f.method === 8 ? 20 : 10);
    u16(0x0800);
    u16(f.method);
    u16(dos.time);
    u16(dos.date);
    u32(f.crc);
    u32(f.body.length);
    u32(f.size);
    u16(f.name.length);
    u16(EXTRA);
    u16(0); // comment
    u16(0); // disk number
    u16(0); // internal attributes
    u32((0o100644 << 16) >>> 0); // external attributes: a regular file, rw-r--r--
    u32(offsets[i]);
    put(f.name);
    extra();
  });
  const cdSize = pos - cdStart;
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(files.length);
  u16(files.length);
  u32(cdSize);
  u32(cdStart);
  u16(0); // comment length
  return out;
}
