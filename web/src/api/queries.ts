import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';
import type {
  ByRegion, ChangeEvent, Dictionary, FieldsResponse, FindingPage, HouseholdPage, HouseholdView, IndicatorTrend, Me, Overview, Region,
  RegionIndicators, SummaryRow, TargetEntry, TargetForm, TargetReport, Trends,
} from './types';

/** Query keys and hooks, one place. Reference data (dictionaries, fields, regions) is cached long. */
export const keys = {
  me: ['me'] as const,
  regions: ['regions'] as const,
  dictionaries: ['dictionaries'] as const,
  fields: ['fields'] as const,
  households: (q: HouseholdQuery) => ['households', q] as const,
  household: (id: string, unmasked = false) => ['household', id, unmasked] as const,
  events: (id: string) => ['household-events', id] as const,
  overview: (region: string | undefined) => ['stats', 'overview', region ?? ''] as const,
  byRegion: (parent: string | undefined) => ['stats', 'by-region', parent ?? ''] as const,
  trends: (region: string | undefined) => ['stats', 'trends', region ?? ''] as const,
};

export interface HouseholdQuery {
  region?: string;
  status?: string[];
  category?: string[];
  cause?: string;
  name?: string;
  idNumber?: string;
  householdNumber?: string;
  page: number;
  pageSize: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

const LONG = 10 * 60_000;

export const useMe = () =>
  useQuery({ queryKey: keys.me, queryFn: () => api.get<Me>('/api/auth/me'), retry: false, staleTime: 60_000 });

export const useRegions = (enabled = true) =>
  useQuery({ queryKey: keys.regions, queryFn: async () => (await api.get<{ items: Region[] }>('/api/regions')).items, staleTime: LONG, enabled });

export const useDictionaries = () =>
  useQuery({
    queryKey: keys.dictionaries,
    queryFn: async () => {
      const items = (await api.get<{ items: Dictionary[] }>('/api/dictionaries')).items;
      return Object.fromEntries(items.map((d) => [d.name, d])) as Record<string, Dictionary>;
    },
    staleTime: LONG,
  });

export const useFields = () => useQuery({ queryKey: keys.fields, queryFn: () => api.get<FieldsResponse>('/api/fields'), staleTime: LONG });

export const useHouseholds = (q: HouseholdQuery) =>
  useQuery({
    queryKey: keys.households(q),
    queryFn: () => api.get<HouseholdPage>('/api/households', { ...q }),
    placeholderData: keepPreviousData,
  });

export const useHousehold = (id: string, unmasked = false) =>
  useQuery({ queryKey: keys.household(id, unmasked), queryFn: () => api.get<HouseholdView>(`/api/households/${id}`, { unmasked: unmasked ? 1 : undefined }) });

export const useEvents = (id: string) =>
  useQuery({ queryKey: keys.events(id), queryFn: async () => (await api.get<{ items: ChangeEvent[] }>(`/api/households/${id}/events`)).items });

export const useOverview = (region: string | undefined) =>
  useQuery({ queryKey: keys.overview(region), queryFn: () => api.get<Overview>('/api/stats/overview', { region }), placeholderData: keepPreviousData });

export const useByRegion = (parent: string | undefined) =>
  useQuery({ queryKey: keys.byRegion(parent), queryFn: () => api.get<ByRegion>('/api/stats/by-region', { parent }), placeholderData: keepPreviousData });

export const useTrends = (region: string | undefined) =>
  useQuery({ queryKey: keys.trends(region), queryFn: () => api.get<Trends>('/api/stats/trends', { region }), placeholderData: keepPreviousData });

// 数据比对 (comparison)
export interface FindingQuery {
  kind?: string;
  code?: string;
  region?: string;
  status?: string;
  datasetId?: string;
  page: number;
  pageSize: number;
}

export const comparisonKeys = {
  findings: (q: FindingQuery) => ['comparison', 'findings', q] as const,
  summary: (region: string | undefined, kind: string | undefined) => ['comparison', 'summary', region ?? '', kind ?? ''] as const,
};

export const useFindings = (q: FindingQuery) =>
  useQuery({
    queryKey: comparisonKeys.findings(q),
    queryFn: () => api.get<FindingPage>('/api/comparison/findings', { ...q }),
    placeholderData: keepPreviousData,
  });

export const useFindingSummary = (region: string | undefined, kind: string | undefined) =>
  useQuery({
    queryKey: comparisonKeys.summary(region, kind),
    queryFn: () => api.get<{ region: string; level: number; items: SummaryRow[] }>('/api/comparison/summary', { region, kind }),
    placeholderData: keepPreviousData,
  });
// ── targets and indicators ───────────────────────────────────────────────────────────────
export const targetKeys = {
  report: (year: number | undefined) => ['targets', 'report', year ?? 0] as const,
  forms: ['targets', 'forms'] as const,
  entries: ['targets', 'entries'] as const,
  indicators: (region: string | undefined, period: string) => ['indicators', region ?? '', period] as const,
  trend: (region: string | undefined) => ['indicators', 'trend', region ?? ''] as const,
};

export const useTargetReport = (year: number | undefined) =>
  useQuery({ queryKey: targetKeys.report(year), queryFn: () => api.get<TargetReport>('/api/targets/report', { year }), placeholderData: keepPreviousData });

export const useTargetForms = (enabled = true) =>
  useQuery({ queryKey: targetKeys.forms, queryFn: async () => (await api.get<{ items: TargetForm[] }>('/api/targets/forms')).items, staleTime: LONG, enabled });

export const useTargetEntries = (enabled = true) =>
  useQuery({ queryKey: targetKeys.entries, queryFn: async () => (await api.get<{ items: TargetEntry[] }>('/api/targets/entries')).items, enabled });

export const useIndicators = (region: string | undefined, period: string, enabled = true) =>
  useQuery({
    queryKey: targetKeys.indicators(region, period),
    queryFn: () => api.get<RegionIndicators>('/api/indicators', { region, period }),
    placeholderData: keepPreviousData,
    enabled,
    // After an import the server recomputes in the background: ask again until the figures are current.
    refetchInterval: (q) => (q.state.data?.stale && !q.state.data.error ? 2000 : false),
  });

export const useIndicatorTrend = (region: string | undefined, enabled = true) =>
  useQuery({
    queryKey: targetKeys.trend(region),
    queryFn: () => api.get<IndicatorTrend>('/api/indicators/trend', { region }),
    placeholderData: keepPreviousData,
    enabled,
    refetchInterval: (q) => (q.state.data?.stale ? 3000 : false),
  });
