/**
 * Just enough of the zip format for the .xlsx reader: the central directory (a truncated file
 * has none: it is found at once; a zip bomb is refused by its declared sizes), the content of an
 * entry with its size and CRC checked (unzipper, which exceljs uses, checks none), and a small
 * zip stream of chosen parts for exceljs's streaming WorkbookReader.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, Readable, pipeline } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';

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
    readonly code: 'CORRUPT_FILE' | 'UNSUPPORTED_FORMAT' | 'READ_ERROR',
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

/** An error of the file system (not of the content) as a ZipFormatError READ_ERROR. */
function ioError(err: unknown): ZipFormatError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (err instanceof ZipFormatError || typeof code !== 'string' || code.startsWith('Z_') || code.startsWith('ERR_')) return null;
  return new ZipFormatError('READ_ERROR', `无法读取文件（${code}）`);
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, done, length - done, position + done));
    } catch (err) {
      throw ioError(err) ?? err;
    }
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

/** Offset of an entry's data (after its local header). */
async function dataStart(fh: FileHandle, entry: ZipEntry): Promise<number> {
  const local = await readAt(fh, entry.localOffset, 30);
  if (local.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 损坏`);
  return entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/**
 * The uncompressed content of an entry, in chunks. Checks its size and CRC against the
 * directory (a ZipFormatError at the end otherwise) and never inflates more than the size the
 * directory declares.
 */
export async function* entryContent(path: string, fh: FileHandle, entry: ZipEntry): AsyncGenerator<Buffer> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipFormatError('UNSUPPORTED_FORMAT', `不支持的压缩方式（${entry.method}）`);
  }
  const start = await dataStart(fh, entry);
  if (entry.compressedSize === 0) {
    if (entry.uncompressedSize !== 0) throw new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 损坏`);
    return;
  }
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  const out = entry.method === 8 ? createInflateRaw({ chunkSize: 256 * 1024 }) : new PassThrough();
  pipeline(raw, out, () => undefined); // errors surface in the iteration below
  let crc = 0;
  let length = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > entry.uncompressedSize) throw new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 大小不符`);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ZipFormatError) throw err;
    throw ioError(err) ?? new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 的压缩数据无效`);
  } finally {
    raw.destroy();
    out.destroy();
  }
  if (length !== entry.uncompressedSize || crc >>> 0 !== entry.crc >>> 0) {
    throw new ZipFormatError('CORRUPT_FILE', `zip 条目 ${entry.name} 校验失败`);
  }
}

/** The whole content of a (small) entry, checked like entryContent. */
export async function readEntry(path: string, fh: FileHandle, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entryContent(path, fh, entry)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A part to hand over, under the name exceljs expects. */
export interface PlannedPart {
  name: string;
  content: Buffer;
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

/** A stored (uncompressed) zip record. */
function storedRecord(name: string, content: Buffer): Buffer {
  return Buffer.concat([localHeader(name, 0, 0, crc32(content), content.length, content.length), content]);
}

function endOfDirectory(): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(SIG_EOCD, 0);
  return b;
}

/**
 * A zip stream of the given parts, stored, in the given order (no central directory: streaming
 * readers do not use it). `onPipe` sees the stream it is piped into, so the caller can listen
 * for the errors of exceljs's internal unzip stream.
 */
export class PlannedZipStream extends Readable {
  private next = 0;

  constructor(
    private readonly parts: PlannedPart[],
    private readonly onPipe: (destination: NodeJS.WritableStream) => void,
  ) {
    super();
  }

  override _read(): void {
    const part = this.parts[this.next++];
    if (part) this.push(storedRecord(part.name, part.content));
    else if (this.next === this.parts.length + 1) this.push(endOfDirectory());
    else this.push(null);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.onPipe(destination);
    return super.pipe(destination, options);
  }
}
