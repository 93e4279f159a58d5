import { AuditOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Empty, Form, Modal, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { assistanceKeys, useAssessments, type AssessmentView, type Catalog } from '../../api/assistance';
import { api } from '../../api/client';
import type { HouseholdView } from '../../api/types';
import { can, useCurrentUser } from '../../auth';
import { PageLoading } from '../../components/PageLoading';
import { useI18n } from '../../i18n';
import { showError, notifySuccess } from '../../lib/notify';
import { DIM_STATUS } from './shared';

type Values = Record<string, unknown>;
const tri = (v: unknown) => (v === 'yes' ? true : v === 'no' ? false : v === 'unknown' ? null : undefined);
const TRI = [{ value: 'yes', label: '是' }, { value: 'no', label: '否' }, { value: 'unknown', label: '未核实' }];

type Dim = AssessmentView['dimensions'][number];

/** 两不愁三保障: each dimension's status, evidence and date checked; an open gap proposes measures into the plan. */
export function LianbuchouTab({ hh, catalog, onOpenPlan }: { hh: HouseholdView; catalog: Catalog | undefined; onOpenPlan: (year: number) => void }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const a = useAssessments(hh.id);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const [picked, setPicked] = useState<string | undefined>();
  const writable = can(me, 'assistance.write') && hh.povertyStatus !== '已剔除';
  if (a.isPending) return <PageLoading />;
  const list = a.data ?? [];
  const cur = list.find((x) => x.id === picked) ?? list[0];
  const title = (code: string) => catalog?.measures.find((m) => m.code === code)?.title ?? code;
  const members = hh.members.filter((m) => !m.leftAt);
  const pupils = members.filter((m) => m.age !== null && m.age !== undefined && m.age >= 6 && m.age <= 16);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = {
      checkedOn: (v.checkedOn as dayjs.Dayjs).format('YYYY-MM-DD'),
      food: { secure: tri(v.food) }, clothing: { secure: tri(v.clothing) },
      house: { grade: (v.grade as string | undefined) ?? null },
      water: { safe: tri(v.water) },
      members: pupils.filter((m) => v[`enrol_${m.id}`]).map((m) => ({ memberId: m.id, enrolment: v[`enrol_${m.id}`] })),
      proposeIntoPlan: v.propose !== false,
    };
    setBusy(true);
    try {
      const r = await api.post<{ assessment: AssessmentView; proposed: unknown[]; planId: string | null }>(`/api/households/${hh.id}/lianbuchou`, body);
      setOpen(false);
      setPicked(r.assessment.id);
      await Promise.all([qc.invalidateQueries({ queryKey: assistanceKeys.lianbuchou(hh.id) }), qc.invalidateQueries({ queryKey: assistanceKeys.plans(hh.id) }), qc.invalidateQueries({ queryKey: ['plan'] }), qc.invalidateQueries({ queryKey: assistanceKeys.summary(hh.id) })]);
      notifySuccess(r.proposed.length ? t('proposedInto', { n: r.proposed.length }) : t('saved'));
    } catch (e) {
      showError(e, t('saveFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="lianbuchou-tab">
      <Space wrap style={{ marginBottom: 12 }}>
        {list.length > 0 && <Select value={cur?.id} onChange={setPicked} style={{ width: 240 }} aria-label={t('assessmentPeriod')}
          options={list.map((x) => ({ value: x.id, label: `${x.period} · ${x.checkedOn}` }))} />}
        {writable && <Button type="primary" icon={<AuditOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ checkedOn: dayjs(), propose: true }); setOpen(true); }} data-testid="new-assessment">{t('newAssessment')}</Button>}
      </Space>
      {!cur ? <Empty description={t('noAssessment')} /> : (
        <Card size="small" data-testid="assessment"
          title={<Space wrap>{t('assessmentOf', { p: cur.period })}<Tag color={cur.secure ? 'green' : 'red'}>{cur.secure ? t('allSecure') : t('hasGaps')}</Tag></Space>}
          extra={<Typography.Text type="secondary">{t('checkedOn')} {cur.checkedOn} · {cur.checkedByName}</Typography.Text>}>
          <Table<Dim> rowKey="dimension" size="small" pagination={false} dataSource={cur.dimensions} scroll={{ x: 720 }}
            columns={[
              { title: t('dimension'), key: 'd', width: 150, render: (_, d) => <Space direction="vertical" size={0}><b>{d.title}</b><Tag color="volcano">{d.clause}</Tag></Space> },
              { title: t('itemStatus'), key: 's', width: 90, render: (_, d) => <Tag color={DIM_STATUS[d.status]?.color} data-testid={`dim-${d.dimension}`}>{DIM_STATUS[d.status]?.label ?? d.status}</Tag> },
              { title: t('evidence'), key: 'e', render: (_, d) => <ul className="tight-list">{d.evidence.map((e, i) => <li key={i}>{e}</li>)}</ul> },
              {
                title: t('proposedMeasures'), key: 'p', width: 220,
                render: (_, d) => (d.proposedMeasures.length ? <Space wrap size={4}>{d.proposedMeasures.map((c) => <Tag key={c} color="orange">{title(c)}</Tag>)}</Space> : '—'),
              },
            ]} />
          {cur.planId && cur.proposedMeasureIds.length > 0 && (
            <Alert style={{ marginTop: 12 }} type="warning" showIcon message={t('proposalsInPlan', { n: cur.proposedMeasureIds.length })}
              action={<Button size="small" onClick={() => onOpenPlan(Number(cur.checkedOn.slice(0, 4)))}>{t('openPlan')}</Button>} />
          )}
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>{t('rule')}：{cur.rule.clause} {cur.rule.title}</Typography.Paragraph>
        </Card>
      )}

      <Modal open={open} title={t('newAssessment')} onCancel={() => setOpen(false)} onOk={() => void submit()} okText={t('assess')} cancelText={t('cancel')} confirmLoading={busy} width={640} forceRender>
        <Form form={form} layout="vertical" name="lianbuchou">
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('assessHint')}</Typography.Paragraph>
          <Row gutter={12}>
            <Col xs={24} sm={12}><Form.Item name="checkedOn" label={t('checkedOn')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="grade" label={t('houseGrade')}><Select allowClear options={['A级', 'B级', 'C级', 'D级'].map((g) => ({ value: g, label: g }))} /></Form.Item></Col>
            <Col xs={12} sm={8}><Form.Item name="food" label={t('foodSecure')}><Select allowClear options={TRI} /></Form.Item></Col>
            <Col xs={12} sm={8}><Form.Item name="clothing" label={t('clothingSecure')}><Select allowClear options={TRI} /></Form.Item></Col>
            <Col xs={12} sm={8}><Form.Item name="water" label={t('waterSafe')}><Select allowClear options={TRI} /></Form.Item></Col>
            {pupils.map((m) => (
              <Col xs={12} sm={8} key={m.id}><Form.Item name={`enrol_${m.id}`} label={`${m.name}${t('enrolment')}`}><Select allowClear options={['在读', '辍学', '休学', '毕业'].map((x) => ({ value: x, label: x }))} /></Form.Item></Col>
            ))}
          </Row>
          <Form.Item name="propose" valuePropName="checked" label={t('proposeIntoPlan')}><Switch /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
