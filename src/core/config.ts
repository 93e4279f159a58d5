import path from 'node:path';

/** Runtime configuration, read once from the environment and CLI flags. */
export interface Config {
  /** PostgreSQL server URL; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database. */
  dataDir: string;
  port: number;
  host: string;
  /** Session lifetime in seconds. */
  sessionTtl: number;
  /** Secure cookies (behind HTTPS). */
  secureCookies: boolean;
  /** Log level for pino. */
  logLevel: string;
  /**
   * Seconds after a registry edit or a review decision before the indicators are refreshed in
   * the background (edits within that time share one refresh); 0 turns it off (the dashboard then
   * shows the figures' computed-at time until the next import or `tuopin indicators refresh`).
   */
  indicatorRefreshDelay: number;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const env = process.env;
  return {
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    dataDir: path.resolve(overrides.dataDir ?? env.TUOPIN_DATA_DIR ?? 'data'),
    port: overrides.port ?? Number(env.PORT ?? 3000),
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    sessionTtl: overrides.sessionTtl ?? Number(env.TUOPIN_SESSION_TTL ?? 8 * 3600),
    secureCookies: overrides.secureCookies ?? env.TUOPIN_SECURE_COOKIES === '1',
    logLevel: overrides.logLevel ?? env.LOG_LEVEL ?? 'info',
    indicatorRefreshDelay: overrides.indicatorRefreshDelay ?? Number(env.TUOPIN_INDICATOR_REFRESH_DELAY ?? 5),
  };
}
