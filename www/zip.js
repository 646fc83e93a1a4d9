// A store-only ZIP writer (no compression), enough to put several small text files into one
// download. Entries are written in the given order with a fixed timestamp (1980-01-01 00:00), so
// the same files always give the same archive bytes. Names are UTF-8 (general purpose flag bit 11).
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

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01

/**
 * The bytes of a ZIP archive holding `entries`: [{name, data}], `data` a string (written as
 * UTF-8, no BOM) or a Uint8Array. Names use `/` between folders and must be relative.
 */
export function zip(entries) {
  const enc = new TextEncoder();
  const files = entries.map(({ name, data }) => {
    if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')
      || name.split('/').some((p) => p === '..' || p === '.')) {
      throw new Error(`zip: ${JSON.stringify(name)} is not a relative file name`);
    }
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    return { name: enc.encode(name), bytes, crc: crc32(bytes) };
  });
  if (files.length >= 0xffff) throw new Error('zip: too many entries');

  let size = 22;
  for (const f of files) size += 30 + f.name.length + f.bytes.length + 46 + f.name.length;
  if (size > 0xffffffff) throw new Error('zip: too large');

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const u16 = (v) => { view.setUint16(pos, v, true); pos += 2; };
  const u32 = (v) => { view.setUint32(pos, v >>> 0, true); pos += 4; };
  const put = (b) => { out.set(b, pos); pos += b.length; };

  const offsets = [];
  for (const f of files) {
    offsets.push(pos);
    u32(0x04034b50); // local file header
    u16(10); // version needed: 1.0 (stored)
    u16(0x0800); // flags: UTF-8 names
    u16(0); // method: stored
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(f.crc);
    u32(f.bytes.length); // compressed size
    u32(f.bytes.length); // uncompressed size
    u16(f.name.length);
    u16(0); // extra field length
    put(f.name);
    put(f.bytes);
  }
  const cdStart = pos;
  files.forEach((f, i) => {
    u32(0x02014b50); // central directory header
    u16(0x031e); // made by: Unix, spec 3.0
    u16(10);
    u16(0x0800);
    u16(0);
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(f.crc);
    u32(f.bytes.length);
    u32(f.bytes.length);
    u16(f.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk number
    u16(0); // internal attributes
    u32((0o100644 << 16) >>> 0); // external attributes: a regular file, rw-r--r--
    u32(offsets[i]);
    put(f.name);
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
