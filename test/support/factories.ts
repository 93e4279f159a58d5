import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/core/config.js';
import { systemCtx, type Role } from '../../src/core/context.js';
import type { Db } from '../../src/core/db.js';
import { makeIdNumber } from '../../src/domain/idnumber.js';
import { createUser } from '../../src/modules/access/service.js';
import { importRegions } from '../../src/modules/regions/service.js';
import { buildApp } from '../../src/server/app.js';

/** Synthetic test villages under 榆中县 城关镇 (620123100) and 永登县 城关镇 (620121100). */
export const V1 = '620123100201';
export const V2 = '620123100202';
export const V_OTHER_TOWNSHIP = '620123101201';
export const V_OTHER_COUNTY = '620121100201';

export async function seedVillages(db: Db): Promise<void> {
  const res = await importRegions(systemCtx(db), [
    { row: 2, code: V1, name: '测试一村（合成）', poorVillage: '是' },
    { row: 3, code: V2, name: '测试二村（合成）', poorVillage: '否' },
    { row: 4, code: V_OTHER_TOWNSHIP, name: '测试三村（合成）', poorVillage: '是' },
    { row: 5, code: V_OTHER_COUNTY, name: '测试四村（合成）', poorVillage: '是' },
  ], { synthetic: true });
  if (!res.ok) throw new Error(JSON.stringify(res.errors));
}

export const PASSWORD = 'Test-password-2018';

export async function seedUser(db: Db, username: string, role: Role, regionCode: string): Promise<void> {
  await createUser(systemCtx(db), { username, role, regionCode, password: PASSWORD });
}

export async function makeApp(db: Db): Promise<FastifyInstance> {
  // Indicators are refreshed after edits only where a test asks for it (test/indicators-import.test.ts),
  // so a background refresh never runs into another test's assertions.
  return buildApp({ db, config: loadConfig({ sessionTtl: 3600, indicatorRefreshDelay: 0 }) });
}

/** Logs in and returns the Cookie header value. */
let logins = 0;
export async function loginCookie(app: FastifyInstance, username: string, password = PASSWORD): Promise<string> {
  // Each test login from its own loopback address, so the per-address login limit is not hit.
  logins++;
  const remoteAddress = `127.1.${(logins >> 8) & 255}.${logins & 255}`;
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'tuopin_sid');
  if (!c) throw new Error('no session cookie');
  return `tuopin_sid=${c.value}`;
}

let seq = 0;
/** A fresh, valid ID number each call (county 620123, varied birth dates). */
export function nextId(birth = '19800101'): string {
  seq++;
  const day = String(1 + (seq % 28)).padStart(2, '0');
  return makeIdNumber('620123', birth.slice(0, 6) + day, 100 + (seq % 800));
}

let hh = 0;
export function householdPayload(village = V1, overrides: Record<string, unknown> = {}) {
  hh++;
  return {
    household: {
      householdNumber: `T${Date.now().toString(36)}${hh}`,
      villageCode: village,
      category: '一般贫困户',
      identificationYear: 2016,
      povertyStatus: '未脱贫',
      mainCause: '因病',
      otherCauses: ['缺技术'],
      dangerousHouse: false,
      safeWater: true,
      phone: '13912345678',
      bankName: '甘肃省农村信用社',
      bankAccount: '6228480012345678',
      ...overrides,
    },
    members: [
      { name: '张三', idNumber: nextId('19700101'), relation: '户主', ethnicity: '汉族', health: '健康', labourSkill: '普通劳动力' },
      { name: '李四', idNumber: nextId('19720101'), relation: '配偶', ethnicity: '汉族', health: '长期慢性病' },
      { name: '张小', idNumber: nextId('20080101'), relation: '之子', schoolStatus: '九年级' },
    ],
    income: { year: 2017, wage: 6000, business: 2000, property: 0, transfer: 1200.5, businessCost: 500 },
  };
}
