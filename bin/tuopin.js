#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step): `tuopin …` or `npm run tuopin -- …`.
// The V8 heap is capped at 512 MB so a long import collects its garbage early instead of growing
// (imports and exports stream; 200 MB of heap is enough for a 1M-member file).
/* global process */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const main = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.ts');
const r = spawnSync(process.execPath, ['--max-old-space-size=512', '--import', import.meta.resolve('tsx'), main, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
