/** Is web/dist missing or older than the web sources? */
export function webIsStale(): boolean;
/** Runs `vite build` when web/dist is missing or stale (or always with force). Throws when the build fails. */
export function ensureWeb(opts?: { force?: boolean; quiet?: boolean }): void;
