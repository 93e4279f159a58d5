import { defineConfig } from 'vitest/config';

// Unit tests (src/**) run once; integration tests (test/**) run on PGlite always and again on
// PostgreSQL when DATABASE_URL is set (CI sets it), each project with its own template database.
const common = { testTimeout: 120_000, hookTimeout: 180_000 };
const projects = [
  { test: { ...common, name: 'unit', include: ['src/**/*.test.ts'] } },
  {
    test: {
      ...common,
      name: 'pglite',
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/support/global-setup.ts'],
      env: { TUOPIN_TEST_ENGINE: 'pglite' },
    },
  },
];
// Browser tests (e2e/): Debian's chromium against `tuopin serve` with the demo data, one file at a time.
projects.push({
  test: {
    ...common,
    name: 'e2e',
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
  } as (typeof projects)[number]['test'],
});
if (process.env.DATABASE_URL) {
  projects.push({
    test: {
      ...common,
      name: 'postgres',
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/support/global-setup.ts'],
      env: { TUOPIN_TEST_ENGINE: 'postgres' },
    },
  });
}

export default defineConfig({ test: { projects, ...common } });
