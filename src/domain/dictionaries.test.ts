import { describe, it, expect } from 'vitest';
import { DICT_NAMES, DICTIONARIES, dictExpectation, dictLabels, resolveDictValue } from './dictionaries.js';
import { foldForMatch } from './text.js';

describe('DICTIONARIES', () => {
  it('is well formed: metadata, unique labels, code === label, no alias shared by two entries', () => {
    expect(DICT_NAMES).toHaveLength(14);
    for (const name of DICT_NAMES) {
      const d = DICTIONARIES[name];
      expect(d.name).toBe(name);
      expect(d.title).toMatch(/[\u4e00-\u9fff]/);
      expect(d.version).not.toBe('');
      expect(d.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.source).not.toBe('');
      const owner = new Map<string, string>();
      for (const entry of d.entries) {
        expect(entry.code).toBe(entry.label);
        for (const v of [entry.label, ...(entry.aliases ?? [])]) {
          const key = foldForMatch(v);
          const prev = owner.get(key);
          expect(prev === undefined || prev === entry.label, `${name}: ${v} used by ${prev} and ${entry.label}`).toBe(true);
          owner.set(key, entry.label);
        }
      }
    }
  });

  it('has the relations of DOMAIN.md', () => {
    expect(dictLabels('relation')).toEqual([
      '户主', '配偶', '之子', '之女', '之儿媳', '之女婿', '之孙子', '之孙女', '之外孙子', '之外孙女', '之父',
      '之母', '之岳父', '之岳母', '之公公', '之婆婆', '之祖父', '之祖母', '之外祖父', '之外祖母', '其他',
    ]);
  });

  it('has 56 ethnic groups and 其他', () => {
    const labels = dictLabels('ethnicity');
    expect(labels).toHaveLength(57);
    expect(labels.filter((l) => l.endsWith('族'))).toHaveLength(56);
    expect(labels).toContain('东乡族');
    expect(labels).toContain('保安族');
    expect(labels).toContain('裕固族');
    expect(labels.at(-1)).toBe('其他');
  });

  it('has the school stages written as DOMAIN.md writes them', () => {
    const labels = dictLabels('schoolStatus');
    for (const l of ['非在校生', '学前教育', '小学', '七年级', '八年级', '九年级', '高中一年级', '高中二年级',
      '高中三年级', '中职一年级', '中职二年级', '中职三年级', '高职一年级', '高职二年级', '高职三年级', '大专及以上']) {
      expect(labels).toContain(l);
    }
    expect(labels).toHaveLength(16);
  });

  it('has the other tables of DOMAIN.md', () => {
    expect(dictLabels('householdCategory')).toEqual(['一般贫困户', '低保贫困户', '特困供养贫困户']);
    expect(dictLabels('identificationStandard')).toEqual(['国家标准', '省定标准', '市定标准']);
    expect(dictLabels('povertyStatus')).toEqual(['未脱贫', '已脱贫', '返贫', '已剔除']);
    expect(dictLabels('povertyCause')).toContain('因婚');
    expect(dictLabels('povertyCause')).toContain('因丧');
    expect(dictLabels('povertyCause')).toHaveLength(14);
    expect(dictLabels('education')).toEqual(['文盲或半文盲', '小学', '初中', '高中', '大专及以上', '学龄前儿童']);
    expect(dictLabels('health')).toEqual(['健康', '长期慢性病', '患有大病', '残疾']);
    expect(dictLabels('disabilityGrade')).toEqual(['一级', '二级', '三级', '四级']);
    expect(dictLabels('labourSkill')).toEqual(['普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力']);
    expect(dictLabels('workStatus')).toEqual(['乡（镇）内务工', '乡（镇）外县内务工', '县外省内务工', '省外务工', '其他']);
    expect(dictLabels('yesNo')).toEqual(['是', '否']);
    expect(dictLabels('monitoringCategory')).toEqual(['脱贫不稳定户', '边缘易致贫户', '突发严重困难户']);
  });
});

describe('resolveDictValue', () => {
  it('returns the canonical label for a label', () => {
    expect(resolveDictValue('relation', '之子')).toBe('之子');
    expect(resolveDictValue('householdCategory', ' 一般贫困户 ')).toBe('一般贫困户');
  });
  it('resolves aliases', () => {
    expect(resolveDictValue('householdCategory', '五保户')).toBe('特困供养贫困户');
    expect(resolveDictValue('ethnicity', '汉')).toBe('汉族');
    expect(resolveDictValue('ethnicity', '东乡')).toBe('东乡族');
    expect(resolveDictValue('relation', '儿子')).toBe('之子');
    expect(resolveDictValue('schoolStatus', '初一')).toBe('七年级');
    expect(resolveDictValue('schoolStatus', '高二')).toBe('高中二年级');
    expect(resolveDictValue('disabilityGrade', '3')).toBe('三级');
  });
  it('folds parentheses, spaces and full-width characters', () => {
    expect(resolveDictValue('workStatus', '乡(镇)内务工')).toBe('乡（镇）内务工');
    expect(resolveDictValue('workStatus', '乡 （镇） 外县内务工')).toBe('乡（镇）外县内务工');
    expect(resolveDictValue('workStatus', '乡（镇）内务工')).toBe('乡（镇）内务工');
    expect(resolveDictValue('disabilityGrade', '２级')).toBe('二级');
  });
  it('reads yes/no in the usual spellings', () => {
    for (const v of ['是', 'Y', 'y', '1', 'true', 'TRUE', 'Yes']) expect(resolveDictValue('yesNo', v)).toBe('是');
    for (const v of ['否', 'N', 'n', '0', 'false', 'No']) expect(resolveDictValue('yesNo', v)).toBe('否');
  });
  it('rejects values not in the table', () => {
    expect(resolveDictValue('yesNo', '')).toBeNull();
    expect(resolveDictValue('yesNo', '  ')).toBeNull();
    expect(resolveDictValue('yesNo', '可能')).toBeNull();
    expect(resolveDictValue('relation', '邻居')).toBeNull();
    expect(resolveDictValue('ethnicity', '火星族')).toBeNull();
    expect(resolveDictValue('householdCategory', '贫困户')).toBeNull();
    expect(resolveDictValue('schoolStatus', '高中四年级')).toBeNull();
  });
  it('describes what is expected', () => {
    expect(dictExpectation('yesNo')).toBe('是否应为：是、否');
  });
});
