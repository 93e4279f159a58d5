/**
 * The offices' calendar: China Standard Time (UTC+8, no daylight saving). "Today", a deadline's
 * last day and the day a record was made are days in Lanzhou, whatever time zone the server runs
 * in, so an entry made at 07:00 Beijing time counts for that day, not for the day before in UTC.
 */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar day in China of an instant (default now), as YYYY-MM-DD. */
export function chinaDay(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

let today = { day: '', from: 0, until: 0 };

/**
 * Today in China, as YYYY-MM-DD. Without an argument the answer is kept until the clock leaves
 * that day (either way), since a large import asks for it on every row.
 */
export function todayCn(now?: Date | number): string {
  if (now !== undefined) return chinaDay(now);
  const ms = Date.now();
  if (ms < today.from || ms >= today.until) {
    const day = chinaDay(ms);
    const from = chinaDayStart(day);
    today = { day, from, until: from + 86_400_000 };
  }
  return today.day;
}

/** The instant a China calendar day (YYYY-MM-DD) begins, in epoch milliseconds. */
export function chinaDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS;
}
