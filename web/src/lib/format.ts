export const STATUS_COLORS: Record<string, string> = { 未脱贫: 'red', 返贫: 'orange', 已脱贫: 'green', 已剔除: 'default' };

const nf = new Intl.NumberFormat('zh-CN');
export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : nf.format(n));
export const fmtMoney = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
export const fmtPct = (f: number | null | undefined, digits = 2) => (f === null || f === undefined ? '—' : `${(f * 100).toFixed(digits)}%`);
export const fmtTime = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};
export const yesNo = (v: unknown, yes = '是', no = '否') => (v === true ? yes : v === false ? no : '—');

/** CSV text (UTF-8 with BOM so Excel opens Chinese correctly). */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): Blob {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? "'" : '') + s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  return new Blob(['\uFEFF' + text], { type: 'text/csv;charset=utf-8' });
}
