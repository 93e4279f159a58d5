import { Card, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { Cadence } from './dispatch/Cadence';
import { Groups } from './dispatch/Groups';
import { Tasks } from './dispatch/Tasks';
import { useDispatchText } from './dispatch/text';

/** 调度 (五(一)): task lists with owners and deadlines, the working groups, and the cadence board. */
export default function DispatchPage() {
  const { d } = useDispatchText();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'tasks';
  const pick = (key: string) => {
    const p = new URLSearchParams();
    const region = params.get('region');
    if (region) p.set('region', region);
    p.set('tab', key);
    setParams(p, { replace: true });
  };
  return (
    <Card title={d('title')}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>「{d('seed')}」</Typography.Paragraph>
      <Tabs activeKey={tab} onChange={pick} destroyOnHidden items={[
        { key: 'tasks', label: d('tabTasks'), children: <Tasks /> },
        { key: 'groups', label: d('tabGroups'), children: <Groups /> },
        { key: 'cadence', label: d('tabCadence'), children: <Cadence /> },
      ]} />
    </Card>
  );
}
