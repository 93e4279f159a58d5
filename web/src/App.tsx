import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client';
import { AuthGate } from './auth';
import { PageLoading } from './components/PageLoading';
import { I18nProvider, useI18n } from './i18n';
import { AppLayout } from './layout/AppLayout';
import { setMessageInstance, showError } from './lib/notify';
import { LoginPage } from './pages/Login';

// Screens load on demand: the login page and the layout come first, each screen (and ECharts,
// with the dashboard) in its own chunk.
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Households = lazy(() => import('./pages/Households'));
const HouseholdDetail = lazy(() => import('./pages/HouseholdDetail'));
const HouseholdCard = lazy(() => import('./pages/HouseholdCard'));
const ImportPage = lazy(() => import('./pages/Import'));
const ComparisonUpload = lazy(() => import('./pages/ComparisonUpload'));
const ComparisonFindings = lazy(() => import('./pages/ComparisonFindings'));
const ComparisonSummary = lazy(() => import('./pages/ComparisonSummary'));
const TargetsPage = lazy(() => import('./pages/Targets'));
const NotFound = lazy(() => import('./pages/NotFound'));
const ReviewHome = lazy(() => import('./pages/review/ReviewHome'));
const ProposalDetail = lazy(() => import('./pages/review/ProposalDetail'));
const PublicNotices = lazy(() => import('./pages/public/Notices'));
const Monitoring = lazy(() => import('./pages/Monitoring'));
const Standards = lazy(() => import('./pages/Standards'));
const SelfReport = lazy(() => import('./pages/SelfReport'));
const HouseholdAssistance = lazy(() => import('./pages/HouseholdAssistance'));
const PlanPrint = lazy(() => import('./pages/PlanPrint'));
const CatalogPage = lazy(() => import('./pages/Catalog'));
const CalculatorsPage = lazy(() => import('./pages/Calculators'));
const CadresPage = lazy(() => import('./pages/Cadres'));
const CadreDetailPage = lazy(() => import('./pages/Cadres').then((m) => ({ default: m.CadreDetailPage })));
const VillageTeamsPage = lazy(() => import('./pages/VillageTeams'));
const DispatchPage = lazy(() => import('./pages/Dispatch'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, e) => !(e instanceof ApiError && e.status > 0 && e.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
  // Reads that fail show the server's message; mutations handle their own errors.
  queryCache: new QueryCache({ onError: (e) => showError(e, '加载失败') }),
  mutationCache: new MutationCache({}),
});

function NotifyBridge() {
  const { message } = AntApp.useApp();
  useEffect(() => {
    setMessageInstance(message);
    return () => setMessageInstance(null);
  }, [message]);
  return null;
}

function Themed() {
  const { lang } = useI18n();
  useEffect(() => {
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#c0392b', borderRadius: 4, fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif" } }}
    >
      <AntApp>
        <NotifyBridge />
        <BrowserRouter>
          <Suspense fallback={<PageLoading />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/notices" element={<PublicNotices />} />
              <Route path="/notices/:id" element={<PublicNotices />} />
              <Route path="/report" element={<SelfReport />} />
              <Route element={<AuthGate />}>
                <Route path="/households/:id/card" element={<HouseholdCard />} />
                <Route path="/plans/:id/print" element={<PlanPrint />} />
                <Route element={<AppLayout />}>
                  <Route index element={<Dashboard />} />
                  <Route path="/households" element={<Households />} />
                  <Route path="/households/:id" element={<HouseholdDetail />} />
                  <Route path="/import" element={<ImportPage />} />
                  <Route path="/review" element={<ReviewHome />} />
                  <Route path="/review/proposals/:id" element={<ProposalDetail />} />
                  <Route path="/comparison/upload" element={<ComparisonUpload />} />
                  <Route path="/comparison/findings" element={<ComparisonFindings />} />
                  <Route path="/comparison/summary" element={<ComparisonSummary />} />
                  <Route path="/monitoring" element={<Monitoring />} />
                  <Route path="/standards" element={<Standards />} />
                  <Route path="/targets" element={<TargetsPage />} />
                  <Route path="/dispatch" element={<DispatchPage />} />
                  <Route path="/households/:id/assistance" element={<HouseholdAssistance />} />
                  <Route path="/catalog" element={<CatalogPage />} />
                  <Route path="/calculators" element={<CalculatorsPage />} />
                  <Route path="/cadres" element={<CadresPage />} />
                  <Route path="/cadres/:id" element={<CadreDetailPage />} />
                  <Route path="/teams" element={<VillageTeamsPage />} />
                  <Route path="/dashboard" element={<Navigate to="/" replace />} />
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}
