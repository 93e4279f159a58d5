import { Card, Collapse, Empty, Input, Segmented, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useCatalog, type CatalogMeasure } from '../api/assistance';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';

/** Does a measure match the search words (title, code, clause, quote, description, action)? */
export function measureMatches(m: CatalogMeasure, q: string): boolean {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${m.title} ${m.code} ${m.clause} ${m.quote} ${m.description} ${m.action}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

/** One measure: title, clause, the seed's words, what it is and which income line it feeds. */
export function MeasureBlock({ m }: { m: CatalogMeasure }) {
  return (
    <div className="measure-block" data-testid={`measure-${m.code}`}>
      <Space wrap size={4}>
        <Typography.Text strong>{m.title}</Typography.Text>
        <Tag color="volcano">{m.clause}</Tag>
        <Tag>{m.benefitTypeLabel}</Tag>
        {m.calculator && <Tag color="blue">{m.calculator}</Tag>}
        <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>{m.code}</Typography.Text>
      </Space>
      <blockquote className="clause-quote">「{m.quote}」</blockquote>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{m.description}</Typography.Paragraph>
    </div>
  );
}

/** 帮扶措施目录: the eight actions and seven projects (and 四(二) finance), each measure with its clause. */
export default function CatalogPage() {
  const { t } = useI18n();
  const cat = useCatalog();
  const [q, setQ] = useState('');
  const [group, setGroup] = useState<string>('all');
  const groups = useMemo(() => {
    if (!cat.data) return [];
    return cat.data.actions
      .filter((a) => group === 'all' || a.group === group)
      .map((a) => ({ action: a, measures: cat.data.measures.filter((m) => m.action === a.title && (!q || measureMatches(m, q))) }))
      .filter((g) => g.measures.length > 0);
  }, [cat.data, q, group]);
  if (cat.isPending) return <PageLoading />;
  if (!cat.data) return <Empty />;
  const count = groups.reduce((n, g) => n + g.measures.length, 0);

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('catalogTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Segmented value={group} onChange={(v) => setGroup(String(v))}
            options={[{ value: 'all', label: t('all') }, { value: '八大行动', label: t('eightActions') }, { value: '七项工程', label: t('sevenProjects') }, { value: '四个支撑', label: t('financeSupport') }]} />
          <Input.Search allowClear placeholder={t('catalogSearch')} style={{ width: 280, maxWidth: '100%' }} onSearch={setQ} onChange={(e) => !e.target.value && setQ('')} data-testid="catalog-search" />
          <Typography.Text type="secondary" data-testid="catalog-count">{t('measuresCount', { n: count })}</Typography.Text>
        </Space>
      </Card>
      {groups.length === 0 ? <Empty description={t('noMatch')} /> : (
        <Collapse
          defaultActiveKey={q ? groups.map((g) => g.action.clause) : [groups[0]!.action.clause]}
          key={`${q}|${group}`}
          items={groups.map((g) => ({
            key: g.action.clause,
            label: <Space wrap size={4}><Tag color={g.action.group === '八大行动' ? 'red' : g.action.group === '七项工程' ? 'geekblue' : 'gold'}>{g.action.group}</Tag><b>{g.action.clause} {g.action.title}</b><Typography.Text type="secondary">（{g.measures.length}）</Typography.Text></Space>,
            children: g.measures.map((m) => <MeasureBlock key={m.code} m={m} />),
          }))}
        />
      )}
    </div>
  );
}
