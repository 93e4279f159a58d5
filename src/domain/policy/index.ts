/**
 * Policy rules of the seed as data, the calculators, the measure catalog and the 两不愁三保障
 * assessment. Pure code, no I/O; imports only from src/domain.
 */
export * from './rules.js';
export * from './defaults.js';
export * from './periods.js';
export * from './calculators.js';
export * from './catalog.js';
export * from './clauses.js';
export * from './lianbuchou.js';
