/**
 * Domain rules: pure code, no I/O, imports nothing outside src/domain.
 */
export * from './text.js';
export * from './idnumber.js';
export * from './regions.js';
export * from './dictionaries.js';
export * from './income.js';
export * from './mask.js';
