// Child process for test/durability.test.ts: commits rows, reports each commit, then waits to
// be killed with SIGKILL (no clean shutdown, no checkpoint).
import { openDb } from '../../src/core/db.js';

const dir = process.argv[2]!;
const db = await openDb({ dataDir: dir });
await db.execute('CREATE TABLE IF NOT EXISTS durable (n int PRIMARY KEY, note text)');
for (let n = 1; n <= 20; n++) {
  await db.transaction(async (tx) => {
    await tx.execute('INSERT INTO durable (n, note) VALUES ($1, $2)', [n, '已提交']);
  });
  process.stdout.write(`committed ${n}\n`);
}
const fsync = await db.query<{ fsync: string }>('SHOW fsync');
process.stdout.write(`fsync ${fsync[0]!.fsync}\n`);
// Keep a transaction open with uncommitted work: it must not survive.
await db.transaction(async (tx) => {
  await tx.execute(`INSERT INTO durable (n, note) VALUES (999, '未提交')`);
  process.stdout.write('uncommitted\n');
  await new Promise(() => undefined);
});
