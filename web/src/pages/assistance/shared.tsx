import { Select, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { type Catalog, type CatalogMeasure } from '../../api/assistance';
import { measureMatches } from '../Catalog';

/** Shared bits of the 帮扶 screens: status colours, the catalog picker. */

export const DIM_STATUS: Record<string, { color: string; label: string }> = {
  secure: { color: 'green', label: '有保障' },
  gap: { color: 'red', label: '有短板' },
  unknown: { color: 'default', label: '待核实' },
};

export const MEASURE_STATUS_COLORS: Record<string, string> = { draft: 'orange', planned: 'blue', in_progress: 'geekblue', done: 'green', cancelled: 'default' };

/** Picks a catalog measure: search by action, title, clause or keyword; each option shows its clause. */
export function MeasurePicker({ catalog, value, onChange, onlyPlan = true, id }: {
  catalog: Catalog | undefined; value?: string; onChange?: (v: string) => void; onlyPlan?: boolean; id?: string;
}) {
  const measures = useMemo(() => (catalog?.measures ?? []).filter((m) => !onlyPlan || m.forHouseholdPlan), [catalog, onlyPlan]);
  const options = useMemo(() => {
    const byAction = new Map<string, CatalogMeasure[]>();
    for (const m of measures) byAction.set(m.action, [...(byAction.get(m.action) ?? []), m]);
    return [...byAction].map(([action, ms]) => ({
      label: action,
      title: action,
      options: ms.map((m) => ({ value: m.code, label: `${m.title}（${m.clause}）`, m })),
    }));
  }, [measures]);
  return (
    <Select
      id={id}
      showSearch
      value={value}
      onChange={onChange}
      options={options}
      placeholder="搜索行动、措施名称、条款或关键词"
      filterOption={(input, opt) => {
        const m = (opt as { m?: CatalogMeasure } | undefined)?.m;
        return m ? measureMatches(m, input) : false;
      }}
      optionRender={(opt) => {
        const m = (opt.data as { m?: CatalogMeasure }).m;
        if (!m) return opt.label;
        return (
          <div style={{ whiteSpace: 'normal' }}>
            <Space size={4} wrap><b>{m.title}</b><Tag color="volcano">{m.clause}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.benefitTypeLabel}</Typography.Text></Space>
            <div style={{ fontSize: 12, color: '#888' }}>「{m.quote}」</div>
          </div>
        );
      }}
      style={{ width: '100%' }}
      listHeight={360}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxWidth: 'min(640px, 96vw)' } } }}
      data-testid="measure-picker"
    />
  );
}
