/** Today in Lanzhou (UTC+8), YYYY-MM-DD, whatever the browser's own time zone: the day an office records. */
export function todayCn(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
