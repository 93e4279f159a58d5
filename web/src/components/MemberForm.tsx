import { Col, Form, Input, Row, Typography } from 'antd';
import type { FormInstance } from 'antd/es/form';
import { parseIdNumber } from '../../../src/domain/idnumber';
import type { Dictionary, FieldSpec } from '../api/types';
import { useI18n } from '../i18n';
import { FieldInput, fieldRules } from './FieldInput';

export interface MemberFormValues {
  [key: string]: unknown;
  sex?: string;
  birthDate?: string;
}

/**
 * Member fields from the server's field table. The ID number is checked as it is typed with the
 * same GB 11643 rules the server uses (src/domain/idnumber.ts, bundled as is), and sex and birth
 * date are filled from it. A masked number left unchanged on edit means "keep it".
 */
export function MemberForm({ form, fields, dicts, initialId }: { form: FormInstance<MemberFormValues>; fields: FieldSpec[]; dicts: Record<string, Dictionary> | undefined; initialId?: string }) {
  const { t } = useI18n();
  const onIdChange = (raw: string) => {
    const p = raw && !(initialId && raw === initialId) ? parseIdNumber(raw) : null;
    form.setFieldsValue(p && p.ok ? { sex: p.sex, birthDate: p.birthDate } : initialId && raw === initialId ? {} : { sex: undefined, birthDate: undefined });
  };
  return (
    <Row gutter={12}>
      {fields.map((f) => {
        if (f.type.kind === 'idNumber') {
          return (
            <Col xs={24} sm={12} key={f.key}>
              <Form.Item
                name={f.key}
                label={f.label}
                hasFeedback
                validateDebounce={150}
                rules={[
                  { required: true, message: `请填写${f.label}` },
                  {
                    validator: async (_r, v: string | undefined) => {
                      if (!v || (initialId && v === initialId)) return;
                      const p = parseIdNumber(v);
                      if (!p.ok) throw new Error(p.message);
                    },
                  },
                ]}
              >
                <Input maxLength={22} autoComplete="off" onChange={(e) => onIdChange(e.target.value)} data-testid="member-id-number" />
              </Form.Item>
            </Col>
          );
        }
        return (
          <Col xs={24} sm={12} key={f.key}>
            <Form.Item name={f.key} label={f.label} rules={fieldRules(f)}>
              <FieldInput spec={f} dicts={dicts} />
            </Form.Item>
          </Col>
        );
      })}
      <Col xs={12} sm={6}>
        <Form.Item name="sex" label={t('sex')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('fromIdNumber')}</Typography.Text>}>
          <Input readOnly tabIndex={-1} data-testid="member-sex" />
        </Form.Item>
      </Col>
      <Col xs={12} sm={6}>
        <Form.Item name="birthDate" label={t('birthDate')}>
          <Input readOnly tabIndex={-1} data-testid="member-birth" />
        </Form.Item>
      </Col>
    </Row>
  );
}
