/** The seed plan's targets as data, and their red-amber-green status. Pure. */
export * from './catalog.js';
export * from './rag.js';
