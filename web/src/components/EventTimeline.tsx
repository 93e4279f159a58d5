import { Empty, Tag, Timeline, Typography } from 'antd';
import type { ChangeEvent, FieldsResponse } from '../api/types';
import { useI18n, type MsgKey } from '../i18n';
import { fmtTime } from '../lib/format';

const EXTRA_LABELS: Record<string, string> = {
  leftReason: '移出原因', householdSize: '户人数', perCapitaNet: '人均纯收入', sex: '性别', birthDate: '出生日期',
  removedReason: '剔除原因', version: '版本',
};

function actionKey(e: ChangeEvent): MsgKey {
  if (e.entity === 'member') return e.action === 'create' ? 'eventMemberAdd' : e.action === 'leave' ? 'eventMemberRemove' : 'eventMemberUpdate';
  if (e.entity === 'income') return 'eventIncome';
  if (e.action === 'create') return e.source.startsWith('import') ? 'eventImport' : 'eventCreate';
  if (e.action === 'remove') return 'eventRemove';
  return 'eventUpdate';
}

/** 'api' → 网页/接口, 'import:<batch id>' → 导入 (the batch id stays in the tooltip). */
function sourceLabel(source: string): string {
  const kind = source.split(':')[0] ?? source;
  return ({ api: '网页/接口', import: '导入', cli: '命令行', demo: '演示数据' } as Record<string, string>)[kind] ?? kind;
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (v === true) return '是';
  if (v === false) return '否';
  if (Array.isArray(v)) return v.length ? v.join('、') : '（空）';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The change events of a household: who, when, and each field's before → after. */
export function EventTimeline({ events, fields }: { events: ChangeEvent[] | undefined; fields: FieldsResponse | undefined }) {
  const { t } = useI18n();
  if (!events?.length) return <Empty description={t('noEvents')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const labels = new Map<string, string>(Object.entries(EXTRA_LABELS));
  for (const f of [...(fields?.household ?? []), ...(fields?.member ?? []), ...(fields?.income ?? [])]) labels.set(f.key, f.label);
  const label = (k: string) => labels.get(k) ?? k;

  return (
    <Timeline
      data-testid="timeline"
      items={events.map((e) => {
        const before = (e.before ?? {}) as Record<string, unknown>;
        const after = (e.after ?? {}) as Record<string, unknown>;
        const isCreate = e.action === 'create' && !e.before;
        const keys = isCreate ? [] : [...new Set([...Object.keys(before), ...Object.keys(after)])];
        const color = e.action === 'remove' || e.action === 'leave' ? '#cf1322' : e.action === 'create' ? '#389e0d' : '#1677ff';
        return {
          key: e.id,
          color,
          content: (
            <div className="event">
              <div>
                <Typography.Text strong>{t(actionKey(e))}</Typography.Text>
                {e.entity === 'member' && (after.name || before.name) ? <span> · {show(after.name ?? before.name)}</span> : null}
                {e.entity === 'income' && (after.year || before.year) ? <span> · {show(after.year ?? before.year)}</span> : null}
                <Tag style={{ marginInlineStart: 8 }} title={e.source}>{sourceLabel(e.source)}</Tag>
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {fmtTime(e.at)} · {t('by')} {e.username ?? '—'}
              </Typography.Text>
              {keys.length > 0 && (
                <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
                  {keys.map((k) => (
                    <li key={k}>
                      {label(k)}：<del style={{ color: '#999' }}>{show(before[k])}</del> → <b>{show(after[k])}</b>
                    </li>
                  ))}
                </ul>
              )}
              {e.reason && <div><Typography.Text type="secondary">{t('reason')}：</Typography.Text>{e.reason}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
