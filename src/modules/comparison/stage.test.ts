import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../domain/idnumber.js';
import { KIND_SPECS, type ColSpec } from './kinds.js';
import { canonicalAt, isCanonical, isPlainId, mapHeader, plainIdAt } from './parse.js';
import { Stager } from './stage.js';

const TODAY = '2026-11-28';
const TODAY_NUM = 20261128;
const id = (first17: string) => first17 + idCheckChar(first17);

describe('the bulk path field checks answer as isPlainId and isCanonical', () => {
  it('plainIdAt = isPlainId, on its own and inside a longer string', () => {
    const ids = [
      id('62010319651007001'), id('62010319000101001'), id('62010318991231001'), id('62010320261128001'), id('62010320261129001'),
      id('62010319800229001'), id('62010320000229001'), id('62010319000229001'), id('62010319651307001'), id('62010319650132001'),
      id('62010319650000001'), '620103196510070010', '62010319651007001x', '62010319651007001', '6201031965100700155', '',
      '62010319651007001X', 'ａ20103196510070015', '62010319651007 015', '-20103196510070015',
    ];
    for (let i = 0; i < 2000; i++) ids.push(id(String(1e16 + Math.floor(Math.random() * 9e16)).slice(0, 17)));
    for (const raw of ids) {
      const want = isPlainId(raw, TODAY);
      expect(plainIdAt(raw, 0, raw.length, TODAY_NUM), raw).toBe(want);
      const s = `x,${raw},y`;
      expect(plainIdAt(s, 2, 2 + raw.length, TODAY_NUM), raw).toBe(want);
    }
  });

  it('canonicalAt = isCanonical for every column type, including every BMP character in enum and text fields', () => {
    const specs: ColSpec[] = [];
    for (const k of Object.values(KIND_SPECS)) for (const c of k.columns) if (!specs.some((x) => x.type === c.type && x.required === c.required)) specs.push(c);
    specs.push({ header: '姓名', key: 'name', type: 'enum', required: true });
    const samples = [
      '', ' ', '小型轿车', ' 小型轿车', '小型轿车 ', '小型 轿车', '１２', 'ab', 'a\tb', '\u3000', '\ufeffx', 'x\u200b', 'x\u00a0',
      '30000', '-30000', '30000.5', '30000.', '.5', '-', '3e4', '1234567890123456', '12345678901234567', '30,000', '30000元',
      '123456789', '1234567890', '-123456789', '2年', '0', '007',
      '2018-02-15', '2018-02-30', '2020-02-29', '2019-02-29', '2018-2-15', '2018/02/15', '20180215', '2018-02-150', '2018-13-01', '0000-01-01',
      '一级', '二级', '四级', '五级', '2级', '一', 'x'.repeat(2000), 'x'.repeat(2001),
    ];
    for (const spec of specs) {
      for (const text of samples) {
        const want = isCanonical(spec, text);
        expect(canonicalAt(spec, text, 0, text.length), `${spec.type} ${JSON.stringify(text)}`).toBe(want);
        const s = `,${text},`;
        expect(canonicalAt(spec, s, 1, 1 + text.length), `${spec.type} ${JSON.stringify(text)}`).toBe(want);
      }
      if (spec.type === 'enum' || spec.type === 'text') {
        const differ: string[] = [];
        for (let c = 0; c < 0x10000; c++) {
          for (const text of [`a${String.fromCharCode(c)}b`, String.fromCharCode(c)]) {
            if (canonicalAt(spec, text, 0, text.length) !== isCanonical(spec, text)) differ.push(`U+${c.toString(16)}`);
          }
        }
        expect(differ, spec.type).toEqual([]);
      }
    }
  });
});

describe('Stager', () => {
  const header = ['证件号码', '姓名', '车辆类型', '登记日期', '车辆价格'];
  const stager = () => new Stager('vehicle', mapHeader('vehicle', header), header, TODAY, 1000);
  const a = id('62010319651007001');
  const b = id('62010319700101002');

  it('a piece of plain lines (one replace) and the same lines one by one (a blank line or CR makes the piece go line by line) give the same COPY lines', () => {
    const lines = [`${a},张三,小型轿车,2018-02-15,5001`, `${b},李四,小型轿车,,30000.5`];
    const whole = stager();
    expect(whole.piece({ text: lines.join('\n') + '\n', firstRow: 2 })).toBe(`${a},张三,小型轿车,2018-02-15,5001,2\n${b},李四,小型轿车,,30000.5,3\n`);
    expect(whole.counts).toMatchObject({ total: 2, accepted: 2, rejectedCount: 0 });
    const noEnd = stager();
    expect(noEnd.piece({ text: lines.join('\n'), firstRow: 2 })).toBe(`${a},张三,小型轿车,2018-02-15,5001,2\n${b},李四,小型轿车,,30000.5,3\n`);
    const blank = stager();
    expect(blank.piece({ text: `${lines[0]}\n\n${lines[1]}\n`, firstRow: 2 })).toBe(`${a},张三,小型轿车,2018-02-15,5001,2\n${b},李四,小型轿车,,30000.5,4\n`);
    expect(blank.counts).toMatchObject({ total: 2, accepted: 2 });
    const crlf = stager();
    expect(crlf.piece({ text: lines.join('\r\n') + '\r\n', firstRow: 2 })).toBe(`${a},张三,小型轿车,2018-02-15,5001,2\n${b},李四,小型轿车,,30000.5,3\n`);
  });

  it('a line that is not plain is normalised or rejected and listed, the rest of the piece still staged', () => {
    const s = stager();
    const out = s.piece({ text: `${a},张 三,小型轿车,2018/2/15,"30,000"\n${b},李四,小型轿车,2018-02-15,abc\n${a},张三,小型轿车,2018-02-15,5001\n`, firstRow: 2 });
    expect(out).toBe(`${a},张三,小型轿车,2018-02-15,5001,4\n`);
    expect(s.counts.total).toBe(3);
    expect(s.counts.rejectedCount).toBe(2);
    const t = stager();
    expect(t.piece({ text: `${a},张 三,小型轿车,2018/2/15,30000元\n`, firstRow: 7 })).toBe(`${a},张三,小型轿车,2018-02-15,30000,7\n`);
  });

  it('onProgress hears every 50,000th row', () => {
    const heard: number[] = [];
    const s = new Stager('vehicle', mapHeader('vehicle', header), header, TODAY, 1000, (n) => heard.push(n));
    const line = `${a},张三,小型轿车,2018-02-15,5001\n`;
    s.piece({ text: line.repeat(49_999), firstRow: 2 });
    s.piece({ text: line.repeat(60_001), firstRow: 50_001 });
    expect(heard).toEqual([50_000, 100_000]);
  });
});
