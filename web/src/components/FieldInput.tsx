import { DatePicker, Input, InputNumber, Select } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import type { Dictionary, FieldSpec } from '../api/types';

/**
 * One form control per field definition from GET /api/fields, options from GET /api/dictionaries:
 * the forms follow the server's field table instead of a second copy of it.
 */
export function FieldInput({ spec, dicts, villages, disabled, ...rest }: {
  spec: FieldSpec;
  dicts: Record<string, Dictionary> | undefined;
  villages?: { value: string; label: string }[];
  disabled?: boolean;
  value?: unknown;
  onChange?: (v: unknown) => void;
  id?: string;
}) {
  const t = spec.type;
  const opts = (name: string) => (dicts?.[name]?.entries ?? []).map((e) => ({ value: e.code, label: e.label }));
  const common = { disabled, id: rest.id, 'aria-label': spec.label };
  switch (t.kind) {
    case 'dict':
      return <Select {...common} value={rest.value as string | undefined} onChange={rest.onChange} allowClear={!spec.required} showSearch options={opts(t.dict)} />;
    case 'dictList':
      return <Select {...common} mode="multiple" value={(rest.value as string[] | undefined) ?? []} onChange={rest.onChange} allowClear options={opts(t.dict)} />;
    case 'yesNo':
      return (
        <Select {...common} value={rest.value as boolean | undefined} onChange={rest.onChange} allowClear
          options={[{ value: true, label: '是' }, { value: false, label: '否' }]} />
      );
    case 'year':
      return <InputNumber {...common} value={rest.value as number | undefined} onChange={rest.onChange} min={1990} max={2100} precision={0} style={{ width: '100%' }} />;
    case 'int':
      return <InputNumber {...common} value={rest.value as number | undefined} onChange={rest.onChange} min={t.min} max={t.max} precision={0} style={{ width: '100%' }} />;
    case 'amount':
    case 'area':
      return <InputNumber {...common} value={rest.value as number | undefined} onChange={rest.onChange} min={0} precision={2} style={{ width: '100%' }} />;
    case 'date':
      return (
        <DatePicker {...common} value={rest.value ? dayjs(rest.value as string) : null} style={{ width: '100%' }}
          onChange={(d: Dayjs | null) => rest.onChange?.(d ? d.format('YYYY-MM-DD') : null)} />
      );
    case 'villageCode':
      return <Select {...common} value={rest.value as string | undefined} onChange={rest.onChange} showSearch optionFilterProp="label" options={villages ?? []} />;
    case 'text':
      return <Input {...common} value={(rest.value as string | undefined) ?? ''} onChange={(e) => rest.onChange?.(e.target.value)} maxLength={t.max} />;
    default:
      return <Input {...common} value={(rest.value as string | undefined) ?? ''} onChange={(e) => rest.onChange?.(e.target.value)} maxLength={40} />;
  }
}

/**
 * Client-side rules in Chinese; the server checks again and its messages are shown on the field.
 * A masked value (139****5678) left as it was is not sent, so it is not checked either.
 */
export function fieldRules(spec: FieldSpec, initial?: unknown): Rule[] {
  const rules: Rule[] = [];
  if (spec.required) rules.push({ required: true, message: `请填写${spec.label}` });
  const t = spec.type;
  const pattern = (re: RegExp, message: string): Rule => ({
    validator: async (_r, v: unknown) => {
      if (v === undefined || v === null || v === '' || v === initial) return;
      if (!re.test(String(v).trim())) throw new Error(message);
    },
  });
  if (t.kind === 'phone') rules.push(pattern(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '联系电话应为 11 位手机号或带区号的固定电话'));
  if (t.kind === 'account') rules.push(pattern(/^\d{8,32}$/, '银行账号应为 8–32 位数字'));
  if (t.kind === 'year') rules.push({ type: 'number', min: 1990, max: new Date().getFullYear(), message: `${spec.label}应在 1990 年到今年之间` });
  return rules;
}
