// Draws the extension's icons (a handset on a green disc) as PNGs into public/icon/. Run once when the design changes.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A handset: two rounded ear/mouth pieces joined by a curved bar, rotated 45°.
function inHandset(u, v) {
  const x = (u - 0.5) * Math.SQRT1_2 + (v - 0.5) * Math.SQRT1_2;
  const y = -(u - 0.5) * Math.SQRT1_2 + (v - 0.5) * Math.SQRT1_2;
  const bar = Math.abs(y + 0.05 - 0.6 * x * x) < 0.07 && Math.abs(x) < 0.27;
  const ends = [-0.24, 0.24].some((cx) => (x - cx) ** 2 / 0.012 + (y - 0.05) ** 2 / 0.006 < 1);
  return bar || ends;
}

mkdirSync('public/icon', { recursive: true });
for (const size of [16, 32, 48, 128]) {
  const img = png(size, (u, v) => {
    const d = Math.hypot(u - 0.5, v - 0.5);
    if (d > 0.5) return [0, 0, 0, 0];
    const edge = Math.min(1, (0.5 - d) * size);
    if (inHandset(u, v)) return [255, 255, 255, Math.round(255 * edge)];
    return [22, 163, 74, Math.round(255 * edge)];
  });
  writeFileSync(`public/icon/${size}.png`, img);
}
console.log('icons written to public/icon/');
