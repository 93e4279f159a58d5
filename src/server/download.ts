import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyReply } from 'fastify';

/** Writes a file into a temporary directory, streams it as an .xlsx download, then removes it. */
export async function sendXlsxFile(reply: FastifyReply, write: (file: string) => Promise<unknown>, asciiName: string, name: string): Promise<FastifyReply> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tuopin-file-'));
  const file = path.join(dir, asciiName);
  try {
    await write(file);
  } catch (e) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw e;
  }
  const stream = fs.createReadStream(file);
  stream.on('close', () => void fs.promises.rm(dir, { recursive: true, force: true }));
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(stream);
}
