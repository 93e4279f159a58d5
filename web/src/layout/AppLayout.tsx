import { AimOutlined, AlertOutlined, AuditOutlined, BarChartOutlined, CalculatorOutlined, ClusterOutlined, DiffOutlined, FundOutlined, LogoutOutlined, MenuOutlined, ReadOutlined, ScheduleOutlined, SettingOutlined, SolutionOutlined, TeamOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Drawer, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { can, useCurrentUser } from '../auth';
import { LangSwitch } from '../components/LangSwitch';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { notifySuccess, showError } from '../lib/notify';
import { RegionTree } from './RegionTree';

const ROLE_KEYS: Record<string, string> = {
  city: 'City office', county: 'County office', township: 'Township', village: 'Village cadre',
  helper: 'Helper cadre', department: 'Department', inspector: 'Inspector',
};

/** Screens that follow the region picked in the tree (?region=CODE). */
const REGION_AWARE = ['/', '/households', '/comparison/findings', '/comparison/summary', '/targets', '/dispatch'];

/** The frame of every signed-in screen: header (user, role, language, sign out), menu, region tree. */
export function AppLayout() {
  const { t, lang } = useI18n();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? true;
  const [drawer, setDrawer] = useState(false);

  const selectedRegion = params.get('region') ?? me.regionCode;

  const items = [
    { key: '/', icon: <BarChartOutlined />, label: t('menuDashboard') },
    { key: '/households', icon: <TeamOutlined />, label: t('menuHouseholds') },
    ...(can(me, 'registry.import') ? [{ key: '/import', icon: <UploadOutlined />, label: t('menuImport') }] : []),
    ...(can(me, 'comparison.upload') ? [{ key: '/comparison/upload', icon: <DiffOutlined />, label: t('menuCmpUpload') }] : []),
    ...(can(me, 'comparison.read') ? [
      { key: '/comparison/findings', icon: <AuditOutlined />, label: t('menuCmpFindings') },
      { key: '/comparison/summary', icon: <FundOutlined />, label: t('menuCmpSummary') },
    ] : []),
    ...(can(me, 'review.read') ? [{ key: '/review', icon: <SolutionOutlined />, label: lang === 'zh' ? '动态管理' : 'Dynamic management' }] : []),
    ...(can(me, 'monitoring.read') ? [{ key: '/monitoring', icon: <AlertOutlined />, label: t('menuMonitoring') }] : []),
    ...(can(me, 'standards.read') ? [{ key: '/standards', icon: <SettingOutlined />, label: t('menuStandards') }] : []),
    ...(can(me, 'targets.read') ? [{ key: '/targets', icon: <AimOutlined />, label: t('menuTargets') }] : []),
    ...(can(me, 'dispatch.read') ? [{ key: '/dispatch', icon: <ScheduleOutlined />, label: t('menuDispatch') }] : []),
    ...(can(me, 'cadres.read') ? [{ key: '/cadres', icon: <SolutionOutlined />, label: t('menuCadres') }, { key: '/teams', icon: <ClusterOutlined />, label: t('menuTeams') }] : []),
    ...(can(me, 'policy.read') ? [{ key: '/catalog', icon: <ReadOutlined />, label: t('menuCatalog') }, { key: '/calculators', icon: <CalculatorOutlined />, label: t('menuCalculators') }] : []),
  ];
  // The open screen: the menu entry whose path is the longest prefix of the location.
  const section = items.map((i) => i.key).filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)))
    .sort((a, b) => b.length - a.length)[0] ?? '/';

  const go = (path: string) => {
    setDrawer(false);
    const region = params.get('region');
    navigate(region && REGION_AWARE.includes(path) ? `${path}?region=${region}` : path);
  };

  const pickRegion = (code: string) => {
    setDrawer(false);
    const target = REGION_AWARE.includes(section) ? section : '/households';
    navigate(`${target}?region=${code}`);
  };

  const logout = async () => {
    try {
      await api.post('/api/auth/logout');
    } catch (e) {
      showError(e);
    }
    qc.clear();
    notifySuccess(t('loggedOut'));
    navigate('/login', { replace: true });
  };

  const side = (treeHeight: number) => (
    <>
      <Menu mode="inline" selectedKeys={[section]} items={items} onClick={(e) => go(e.key)} style={{ borderInlineEnd: 0 }} />
      <div style={{ padding: '8px 12px' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('regionTree')}</Typography.Text>
        <RegionTree selected={selectedRegion} onSelect={pickRegion} height={treeHeight} />
      </div>
    </>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header">
        <Space size={8} style={{ minWidth: 0 }}>
          {!wide && <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} aria-label={t('openMenu')} className="header-btn" />}
          <Typography.Text strong className="app-title" onClick={() => navigate('/')}>{wide ? t('appName') : t('appShort')}</Typography.Text>
        </Space>
        <Space size={wide ? 12 : 4} style={{ minWidth: 0 }}>
          <span className="user-box" data-testid="current-user">
            <Typography.Text className="user-name" ellipsis>{me.displayName}</Typography.Text>
            {wide && <Tag color="volcano" style={{ marginInlineStart: 6 }}>{lang === 'zh' ? me.roleLabel : ROLE_KEYS[me.role] ?? me.role}</Tag>}
          </span>
          <LangSwitch />
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout()} aria-label={t('logout')} data-testid="logout">{wide ? t('logout') : null}</Button>
        </Space>
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={260} theme="light" className="app-sider">
            {side(Math.max(240, window.innerHeight - 260))}
          </Layout.Sider>
        ) : (
          <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={300} title={t('appName')} styles={{ body: { padding: 0 } }}>
            {side(Math.max(240, window.innerHeight - 280))}
          </Drawer>
        )}
        <Layout.Content className="app-content">
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

