/**
 * Just enough of the zip format to check an .xlsx before exceljs streams it, and to hand exceljs
 * its parts in the order its streaming reader wants them.
 *
 * exceljs's WorkbookReader reads the zip front to back. A worksheet that comes before
 * xl/workbook.xml, its relationships or xl/sharedStrings.xml (Excel itself writes the shared
 * strings after the sheets; exceljs's own writer writes the workbook last) is copied whole to a
 * temporary file and read after the end of the zip: as much disk as the uncompressed sheet, and
 * temp files left behind when reading stops early. Reading the central directory first also
 * finds a truncated file at once (its directory is at the end) and lets a zip bomb be refused by
 * its declared size.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

export class ZipFormatError extends Error {
  constructor(
    readonly code: 'CORRUPT_FILE' | 'UNSUPPORTED_FORMAT',
    message: string,
  ) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const U32 = 0xffffffff;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError('CORRUPT_FILE', '文件不完整');
    done += bytesRead;
  }
  return buf;
}

/** The entries of the zip's central directory, in directory order. */
export async function readZipDirectory(fh: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(fh, tailStart, tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tailLength) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('CORRUPT_FILE', '找不到 zip 目录，文件可能不完整（上传或复制时被截断）');
  let count = tail.readUInt16LE(eocd + 10);
  let dirSize = tail.readUInt32LE(eocd + 12);
  let dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirSize === U32 || dirOffset === U32) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) {
      throw new ZipFormatError('CORRUPT_FILE', 'zip64 目录损坏');
    }
    const z64Offset = Number(tail.readBigUInt64LE(loc + 8));
    if (z64Offset + 56 > fileSize) throw new ZipFormatError('CORRUPT_FILE', 'zip64 目录损坏');
    const z64 = await readAt(fh, z64Offset, 56);
    if (z64.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw new ZipFormatError('CORRUPT_FILE', 'zip64 目录损坏');
    count = Number(z64.readBigUInt64LE(32));
    dirSize = Number(z64.readBigUInt64LE(40));
    dirOffset = Number(z64.readBigUInt64LE(48));
  }
  if (dirOffset + dirSize > fileSize) {
    throw new ZipFormatError('CORRUPT_FILE', 'zip 目录超出文件末尾，文件可能不完整');
  }
  if (dirSize > MAX_DIRECTORY_BYTES) throw new ZipFormatError('CORRUPT_FILE', 'zip 目录过大');
  const dir = await readAt(fh, dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= dir.length && entries.length < count) {
    if (dir.readUInt32LE(p) !== SIG_CENTRAL) throw new ZipFormatError('CORRUPT_FILE', 'zip 目录损坏');
    const flags = dir.readUInt16LE(p + 8);
    const method = dir.readUInt16LE(p + 10);
    const crc = dir.readUInt32LE(p + 16);
    let compressedSize = dir.readUInt32LE(p + 20);
    let uncompressedSize = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    let localOffset = dir.readUInt32LE(p + 42);
    const nameEnd = p + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > dir.length) {
      throw new ZipFormatError('CORRUPT_FILE', 'zip 目录损坏');
    }
    const name = dir.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, nameEnd);
    // zip64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in order
    let e = nameEnd;
    const extraEnd = nameEnd + extraLength;
    while (e + 4 <= extraEnd) {
      const id = dir.readUInt16LE(e);
      const size = dir.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        const next = (): number => {
          if (f + 8 > e + 4 + size) throw new ZipFormatError('CORRUPT_FILE', 'zip64 目录损坏');
          const v = Number(dir.readBigUInt64LE(f));
          f += 8;
          return v;
        };
        if (uncompressedSize === U32) uncompressedSize = next();
        if (compressedSize === U32) compressedSize = next();
        if (localOffset === U32) localOffset = next();
      }
      e += 4 + size;
    }
    if (localOffset + 30 > dirOffset) throw new ZipFormatError('CORRUPT_FILE', 'zip 目录损坏');
    entries.push({ name, flags, method, crc, compressedSize, uncompressedSize, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** A part to hand over, under the name exceljs expects. */
export type PlannedPart = { entry: ZipEntry; name: string } | { content: Buffer; name: string };

/** The bytes of one entry, its local header rewritten with `name` and the sizes known. */
async function* entryRecord(path: string, fh: FileHandle, entry: ZipEntry, name: string): AsyncGenerator<Buffer> {
  const local = await readAt(fh, entry.localOffset, 30);
  if (local.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 损坏`);
  const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (entry.compressedSize >= U32 || entry.uncompressedSize >= U32) {
    throw new ZipFormatError('UNSUPPORTED_FORMAT', `工作表 ${entry.name} 超过 4 GB`);
  }
  yield localHeader(name, entry.flags & ~0x08, entry.method, entry.crc, entry.compressedSize, entry.uncompressedSize);
  if (entry.compressedSize === 0) return;
  yield* createReadStream(path, {
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>;
}

function localHeader(name: string, flags: number, method: number, crc: number, csize: number, usize: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(SIG_LOCAL, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE((flags | 0x800) & 0xffff, 6);
  h.writeUInt16LE(method, 8);
  h.writeUInt32LE(0, 10);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(usize, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, nameBytes]);
}

/** A stored (uncompressed) record for a part made up here. */
function storedRecord(name: string, content: Buffer): Buffer {
  return Buffer.concat([localHeader(name, 0, 0, crc32(content), content.length, content.length), content]);
}

function endOfDirectory(): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(SIG_EOCD, 0);
  return b;
}

/**
 * A readable zip stream made of the planned parts in the planned order (the central directory
 * left out: streaming readers do not use it). `onPipe` sees the stream it is piped into, so the
 * caller can listen for the errors of exceljs's internal unzip stream.
 */
export class PlannedZipStream extends Readable {
  private readonly parts: AsyncGenerator<Buffer>;
  private pending = false;

  constructor(
    path: string,
    fh: FileHandle,
    plan: PlannedPart[],
    private readonly onPipe: (destination: NodeJS.WritableStream) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.parts = (async function* () {
      for (const part of plan) {
        if ('content' in part) yield storedRecord(part.name, part.content);
        else yield* entryRecord(path, fh, part.entry, part.name);
      }
      yield endOfDirectory();
    })();
  }

  override _read(): void {
    if (this.pending) return;
    this.pending = true;
    this.parts.next().then(
      (r) => {
        this.pending = false;
        if (this.destroyed) return;
        this.push(r.done ? null : r.value);
      },
      (err: unknown) => {
        this.pending = false;
        this.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.parts.return(undefined).then(
      () => callback(error),
      () => callback(error),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.onPipe(destination);
    return super.pipe(destination, options);
  }
}
