// The import's per-row half alone, without a database: read a CSV pair, validate each row and
// make its staging line (import-stage.ts), in this thread. For comparing changes to the reader
// and the Stager; `node --cpu-prof --import tsx bench/import-stage-cpu.ts DIR` profiles it.
// Usage: tsx bench/import-stage-cpu.ts DIR   (DIR holds households.csv + members.csv, as
// `tsx bench/import-profile.ts --make DIR SCALE` writes them)
import { SYSTEM_ACTOR } from '../src/core/context.js';
import { Stager, STAGE_CHUNK_BYTES } from '../src/modules/registry/import-stage.js';
import { readRegistryRows } from '../src/modules/registry/workbook/reader.js';
import { demoVillages } from '../src/modules/registry/demo/generate.js';

const dir = process.argv[2]!;
const villages = new Set(demoVillages({}).map((v) => v.code));
let errors = 0;
let bytes = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const s = new Stager(villages, SYSTEM_ACTOR, () => errors++, () => undefined);
for await (const item of readRegistryRows({ kind: 'csv', households: `${dir}/households.csv`, members: `${dir}/members.csv` })) {
  s.take(item);
  if (s.hBytes > STAGE_CHUNK_BYTES) bytes += s.takeH().length;
  if (s.mBytes > STAGE_CHUNK_BYTES) bytes += s.takeM().length;
}
bytes += s.takeH().length + s.takeM().length;
const cpu = process.cpuUsage(cpu0);
console.log(`${s.read} rows, ${errors} errors, ${(bytes / 1048576).toFixed(0)} MB staged in ${((performance.now() - t0) / 1000).toFixed(2)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`);
