/**
 * Masking of personal information (PIPL) for lists, exports, notices and the public portal.
 * Each function is total: empty or short input never reveals more than a full value would.
 */
import { removeSpaces } from './text.js';

/** 620102199001011234 → 620102********1234. Short values are masked entirely. */
export function maskIdNumber(id: string): string {
  const s = removeSpaces(id ?? '');
  if (s.length === 0) return '';
  if (s.length < 12) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

/** 13912345678 → 139****5678. Values shorter than 8 characters are masked entirely. */
export function maskPhone(phone: string): string {
  const s = removeSpaces(phone ?? '');
  if (s.length === 0) return '';
  if (s.length < 8) return '*'.repeat(s.length);
  return `${s.slice(0, 3)}****${s.slice(-4)}`;
}

/** 6230 1234 5678 1234 → ************1234 (only the last four digits kept). */
export function maskAccount(account: string): string {
  const s = removeSpaces(account ?? '');
  if (s.length === 0) return '';
  if (s.length <= 4) return '*'.repeat(s.length);
  return `${'*'.repeat(s.length - 4)}${s.slice(-4)}`;
}

/** Two-character (复姓) surnames that are kept whole when masking a name. */
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '夏侯', '轩辕',
  '令狐', '宇文', '司徒', '司空', '独孤', '南宫', '西门', '端木', '百里', '呼延', '赫连', '澹台',
  '万俟', '闻人', '申屠', '太史', '钟离', '宗政', '濮阳', '淳于', '单于', '仲孙', '拓跋', '完颜',
]);

/**
 * Keep the surname, mask the given name: 张三 → 张*, 李小明 → 李**, 欧阳娜娜 → 欧阳**.
 * A one-character value is masked entirely.
 */
export function maskName(name: string): string {
  const chars = Array.from((name ?? '').trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  const keep = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
