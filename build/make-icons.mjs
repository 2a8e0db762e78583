#!/usr/bin/env node
// Draws the app and tray icons and writes every format the packaging targets need, with no
// image tool installed: PNG for Linux and the tray, ICO for Windows (NSIS), ICNS for macOS.
// The outputs are committed; run `node build/make-icons.mjs` again only to change the design.
//
//   build/icon.png            512x512, the master (electron-builder's documented minimum)
//   build/icons/NxN.png       Linux hicolor sizes (linux.icon points at the folder)
//   build/icon.ico            Windows: 16-128 as 32-bit BMP entries, 256 as PNG
//   build/icon.icns           macOS: PNG entries from 16 to 1024
//   build/tray/tray.png       32x32 colour tray icon (Windows, Linux), tray@2x.png 64x64
//   build/tray/trayTemplate.png, trayTemplate@2x.png   macOS menu-bar template (black + alpha)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Drawing: shapes as signed distance functions in unit coordinates, 4x4 supersampled.

/** Signed distance from (px, py) to a rounded rectangle; negative inside. */
function roundedRect(px, py, x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  const qx = Math.abs(px - cx) - hx;
  const qy = Math.abs(py - cy) - hy;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r;
}

function mix(a, b, t) {
  return a + (b - a) * t;
}

/** Porter-Duff "over" of a straight-alpha colour onto a straight-alpha pixel. */
function over(dst, [r, g, b, a]) {
  const outA = a + dst[3] * (1 - a);
  if (outA === 0) return [0, 0, 0, 0];
  return [
    (r * a + dst[0] * dst[3] * (1 - a)) / outA,
    (g * a + dst[1] * dst[3] * (1 - a)) / outA,
    (b * a + dst[2] * dst[3] * (1 - a)) / outA,
    outA,
  ];
}

// Three task rows, each a track with a progress fill: the product in one glyph.
const ROWS = [
  { y: 0.34, fill: 1.0 },
  { y: 0.5, fill: 0.62 },
  { y: 0.66, fill: 0.3 },
];
const BAR = { x0: 0.25, x1: 0.75, h: 0.085 };

/** Colour of the app icon at a unit point: rounded square with a blue gradient and the rows. */
function appIconColour(x, y) {
  let pixel = [0, 0, 0, 0];
  if (roundedRect(x, y, 0.08, 0.08, 0.92, 0.92, 0.19) <= 0) {
    const t = (y - 0.08) / 0.84;
    pixel = over(pixel, [mix(0.16, 0.09, t), mix(0.44, 0.2, t), mix(0.95, 0.55, t), 1]);
  }
  for (const row of ROWS) {
    const y0 = row.y - BAR.h / 2;
    const y1 = row.y + BAR.h / 2;
    if (roundedRect(x, y, BAR.x0, y0, BAR.x1, y1, BAR.h / 2) <= 0) pixel = over(pixel, [1, 1, 1, 0.25]);
    const fillEnd = BAR.x0 + (BAR.x1 - BAR.x0) * row.fill;
    if (roundedRect(x, y, BAR.x0, y0, fillEnd, y1, BAR.h / 2) <= 0) {
      pixel = over(pixel, row.fill === 1 ? [0.2, 0.83, 0.6, 1] : [1, 1, 1, 1]);
    }
  }
  return pixel;
}

/** The macOS template glyph: the rows alone, black, the tracks faint. Bigger to read at 16 px. */
function trayTemplateColour(x, y) {
  let pixel = [0, 0, 0, 0];
  const rows = [0.22, 0.5, 0.78];
  const h = 0.17;
  rows.forEach((rowY, index) => {
    const y0 = rowY - h / 2;
    const y1 = rowY + h / 2;
    if (roundedRect(x, y, 0.06, y0, 0.94, y1, h / 2) <= 0) pixel = over(pixel, [0, 0, 0, 0.35]);
    const fillEnd = 0.06 + 0.88 * ROWS[index].fill;
    if (roundedRect(x, y, 0.06, y0, fillEnd, y1, h / 2) <= 0) pixel = over(pixel, [0, 0, 0, 1]);
  });
  return pixel;
}

/** Rasterises a colour function into straight-alpha RGBA bytes, 4x4 samples per pixel. */
function render(size, colourAt) {
  const samples = 4;
  const data = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = (py * size + px) * 4;
      const n = samples * samples;
      data[offset] = a ? Math.round((r / a) * 255) : 0;
      data[offset + 1] = a ? Math.round((g / a) * 255) : 0;
      data[offset + 2] = a ? Math.round((b / a) * 255) : 0;
      data[offset + 3] = Math.round((a / n) * 255);
    }
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Encoders.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA bytes → PNG (colour type 6, 8 bits, no interlace, filter 0 on every row). */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** RGBA bytes → an ICO directory entry's BMP payload (BITMAPINFOHEADER, BGRA bottom-up, AND mask). */
function encodeIcoBitmap(size, rgba) {
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // XOR + AND masks
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = ((size - 1 - y) * size + x) * 4;
      const to = (y * size + x) * 4;
      pixels[to] = rgba[from + 2];
      pixels[to + 1] = rgba[from + 1];
      pixels[to + 2] = rgba[from];
      pixels[to + 3] = rgba[from + 3];
    }
  }
  // The alpha channel decides transparency; an all-zero AND mask keeps old readers happy.
  const maskRow = Math.ceil(size / 32) * 4;
  return Buffer.concat([info, pixels, Buffer.alloc(maskRow * size)]);
}

function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, data } of images) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.data)]);
}

const ICNS_TYPES = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };

function encodeIcns(pngs) {
  const entries = pngs.map(({ size, png }) => {
    const head = Buffer.alloc(8);
    head.write(ICNS_TYPES[size], 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + entries.reduce((sum, entry) => sum + entry.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

// ---------------------------------------------------------------------------------------------

function write(relative, data) {
  const path = join(here, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  console.log(`${relative}  ${data.length} bytes`);
}

const appPng = new Map();
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) appPng.set(size, { rgba: render(size, appIconColour) });
for (const entry of appPng.values()) entry.png = encodePng(Math.sqrt(entry.rgba.length / 4), entry.rgba);

write('icon.png', appPng.get(512).png);
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) write(`icons/${size}x${size}.png`, appPng.get(size).png);
write(
  'icon.ico',
  encodeIco([
    ...[16, 24, 32, 48, 64, 128].map((size) => ({ size, data: encodeIcoBitmap(size, appPng.get(size).rgba) })),
    { size: 256, data: appPng.get(256).png },
  ]),
);
write('icon.icns', encodeIcns([16, 32, 64, 128, 256, 512, 1024].map((size) => ({ size, png: appPng.get(size).png }))));
write('tray/tray.png', appPng.get(32).png);
write('tray/tray@2x.png', appPng.get(64).png);
write('tray/trayTemplate.png', encodePng(16, render(16, trayTemplateColour)));
write('tray/trayTemplate@2x.png', encodePng(32, render(32, trayTemplateColour)));
