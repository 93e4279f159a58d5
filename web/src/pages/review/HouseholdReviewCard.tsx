import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Tag, Timeline } from 'antd';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { fmtTime } from '../../lib/format';
import { STATE_LABELS, useReviewText } from './text';
import type { HistoryEntry, Proposal } from './types';

/** A household's proposals across review cycles, each with its decision: its status history by procedure. */
export function HouseholdReviewCard({ householdId }: { householdId: string }) {
  const { r, lang } = useReviewText();
  const q = useQuery({
    queryKey: ['review', 'household', householdId],
    queryFn: () => api.get<{ items: (Proposal & { cycleTitle: string; history: HistoryEntry[] })[] }>(`/api/review/households/${householdId}/proposals`),
  });
  const items = q.data?.items ?? [];
  return (
    <Card size="small" title={r('timeline')} data-testid="review-timeline" loading={q.isLoading}>
      {items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有动态管理申报" /> : (
        <Timeline
          items={items.map((p) => {
            const st = STATE_LABELS[p.state]!;
            const decided = p.history.find((h) => h.action === 'decide_yes' || h.action === 'decide_no');
            return {
              color: p.state === 'done' || p.state === 'approved' ? 'green' : p.state === 'in_progress' ? 'blue' : 'gray',
              children: (
                <div>
                  <b>{p.cycleTitle}</b> · <Link to={`/review/proposals/${p.id}`}>{p.number}</Link> · {p.typeLabel} <Tag color={st[2]}>{lang === 'zh' ? st[0] : st[1]}</Tag>
                  <div style={{ color: '#666' }}>
                    {p.currentStep && p.state === 'in_progress' ? `当前：${p.currentStep.label}` : decided ? `${decided.displayName} ${fmtTime(decided.at)} 审定` : ''}
                  </div>
                </div>
              ),
            };
          })}
        />
      )}
    </Card>
  );
}
