/**
 * Godot 4 resource packs (`.pck`), format 3 (Godot 4.4+), as core/io/file_access_pack.cpp reads them
 * and editor/export/editor_export_platform_pck.cpp writes them:
 *
 * ```
 * 0x00 "GDPC"  u32 format 3  u32 major  u32 minor  u32 patch  u32 flags (2 = file offsets relative to the base)
 * 0x18 u64 file base (0x70)  u64 directory offset  zeros up to 0x70
 * 0x70 file data, each file padded to 16 bytes
 * dir  u32 count; per file: u32 path length (padded to 4), path (no "res://"), u64 offset (from the base),
 *      u64 size, 16-byte md5, u32 flags
 * ```
 *
 * Only unencrypted packs with relative offsets are written; the reader also accepts absolute offsets.
 */
import { createHash } from 'node:crypto';

const MAGIC = 0x43504447; // "GDPC" little-endian
const FORMAT_VERSION = 3;
const FLAG_DIR_ENCRYPTED = 1;
const FLAG_REL_FILEBASE = 2;
const HEADER_SIZE = 0x70;
const DATA_ALIGNMENT = 16;

/** One file of a pack, with its path relative to `res://`. */
export interface PackFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** A parsed pack: its engine version and its files in directory order. */
export interface Pack {
  readonly version: readonly [number, number, number];
  readonly files: readonly PackFile[];
}

function pad(n: number, alignment: number): number {
  const rest = n % alignment;
  return rest === 0 ? 0 : alignment - rest;
}

function stripRes(path: string): string {
  return path.startsWith('res://') ? path.slice(6) : path;
}

/** Builds a format-3 pack for Godot `version` (default 4.6.0) from `files` (paths with or without `res://`). */
export function writePack(files: readonly PackFile[], version: readonly [number, number, number] = [4, 6, 0]): Uint8Array {
  const sorted = [...files]
    .map((f) => ({ path: stripRes(f.path), data: f.data }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  for (const f of sorted) {
    if (seen.has(f.path)) throw new Error(`writePack: duplicate path ${f.path}`);
    seen.add(f.path);
  }
  const offsets: number[] = [];
  let dataSize = 0;
  for (const f of sorted) {
    offsets.push(dataSize);
    dataSize += f.data.length + pad(f.data.length, DATA_ALIGNMENT);
  }
  const encoder = new TextEncoder();
  const paths = sorted.map((f) => encoder.encode(f.path));
  const dirSize = 4 + paths.reduce((n, p) => n + 4 + p.length + pad(p.length, 4) + 8 + 8 + 16 + 4, 0);
  const dirOffset = HEADER_SIZE + dataSize;
  const out = new Uint8Array(dirOffset + dirSize);
  const view = new DataView(out.buffer);
  view.setUint32(0x00, MAGIC, true);
  view.setUint32(0x04, FORMAT_VERSION, true);
  view.setUint32(0x08, version[0], true);
  view.setUint32(0x0c, version[1], true);
  view.setUint32(0x10, version[2], true);
  view.setUint32(0x14, FLAG_REL_FILEBASE, true);
  view.setBigUint64(0x18, BigInt(HEADER_SIZE), true);
  view.setBigUint64(0x20, BigInt(dirOffset), true);
  sorted.forEach((f, i) => out.set(f.data, HEADER_SIZE + offsets[i]!));
  let o = dirOffset;
  view.setUint32(o, sorted.length, true);
  o += 4;
  sorted.forEach((f, i) => {
    const path = paths[i]!;
    const padded = path.length + pad(path.length, 4);
    view.setUint32(o, padded, true);
    out.set(path, o + 4);
    o += 4 + padded;
    view.setBigUint64(o, BigInt(offsets[i]!), true);
    view.setBigUint64(o + 8, BigInt(f.data.length), true);
    out.set(createHash('md5').update(f.data).digest(), o + 16);
    view.setUint32(o + 32, 0, true);
    o += 36;
  });
  return out;
}

/** A pack that `readPack` refused, with the reason. */
export class PackFormatError extends Error {
  override readonly name = 'PackFormatError';
}

/** Parses a format-3 pack and checks every file's md5. Throws `PackFormatError` on anything else. */
export function readPack(bytes: Uint8Array): Pack {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string): void => {
    if (end > bytes.length) throw new PackFormatError(`truncated pack: ${what} ends at ${end}, pack has ${bytes.length} bytes`);
  };
  need(HEADER_SIZE, 'header');
  if (view.getUint32(0, true) !== MAGIC) throw new PackFormatError('not a Godot pack (no GDPC magic)');
  const format = view.getUint32(4, true);
  if (format !== FORMAT_VERSION) throw new PackFormatError(`pack format ${format}, expected ${FORMAT_VERSION}`);
  const version = [view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true)] as const;
  const flags = view.getUint32(20, true);
  if (flags & FLAG_DIR_ENCRYPTED) throw new PackFormatError('encrypted pack directory');
  const fileBase = Number(view.getBigUint64(24, true));
  const dirOffset = Number(view.getBigUint64(32, true));
  need(dirOffset + 4, 'directory count');
  const count = view.getUint32(dirOffset, true);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const files: PackFile[] = [];
  let o = dirOffset + 4;
  for (let i = 0; i < count; i++) {
    need(o + 4, `path length of file ${i}`);
    const length = view.getUint32(o, true);
    need(o + 4 + length + 36, `entry ${i}`);
    const raw = bytes.subarray(o + 4, o + 4 + length);
    const end = raw.indexOf(0);
    const path = decoder.decode(end < 0 ? raw : raw.subarray(0, end));
    o += 4 + length;
    const offset = Number(view.getBigUint64(o, true)) + (flags & FLAG_REL_FILEBASE ? fileBase : 0);
    const size = Number(view.getBigUint64(o + 8, true));
    const md5 = bytes.subarray(o + 16, o + 32);
    o += 36;
    need(offset + size, `data of ${path}`);
    const data = bytes.subarray(offset, offset + size);
    const actual = createHash('md5').update(data).digest();
    if (!actual.equals(md5)) throw new PackFormatError(`md5 mismatch for ${path}`);
    files.push({ path, data });
  }
  return { version: [version[0], version[1], version[2]], files };
}
