import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { catalog, CalcResult } from '../../../src/modules/assistance/calc';
import type { BenefitView, IncomeBreakdown } from '../../../src/modules/assistance/benefits';
import type { AssessmentView } from '../../../src/modules/assistance/lianbuchou';
import type { CadreView, PairingView, TeamMemberView, TeamView } from '../../../src/modules/assistance/organisation';
import type { MeasureView, PlanView } from '../../../src/modules/assistance/plans';
import type { AssistanceSummary } from '../../../src/modules/assistance/summary';
import type { EventView as AssistanceEvent } from '../../../src/modules/assistance/common';
import { api } from './client';

/**
 * 帮扶 (issue 4): the shapes come from the server's declarations (type-only imports), the hooks
 * and keys are this file's. Reference data (the catalog) is cached long.
 */
export type { AssessmentView, AssistanceEvent, AssistanceSummary, BenefitView, CadreView, CalcResult, IncomeBreakdown, MeasureView, PairingView, PlanView, TeamMemberView, TeamView };
export type Catalog = ReturnType<typeof catalog>;
export type CatalogMeasure = Catalog['measures'][number];
export type CalculatorEntry = Catalog['calculators'][number];
export type PlanDetail = PlanView & { history: AssistanceEvent[] };
export interface BenefitsResponse { items: BenefitView[]; incomes: IncomeBreakdown[]; rule: string }
export type CadreDetail = CadreView & { pairings: PairingView[]; teams: TeamMemberView[] };

export const assistanceKeys = {
  catalog: ['catalog'] as const,
  summary: (id: string) => ['assistance', id, 'summary'] as const,
  plans: (id: string) => ['assistance', id, 'plans'] as const,
  plan: (planId: string) => ['plan', planId] as const,
  benefits: (id: string) => ['assistance', id, 'benefits'] as const,
  lianbuchou: (id: string) => ['assistance', id, 'lianbuchou'] as const,
  pairings: (id: string) => ['assistance', id, 'pairings'] as const,
  cadres: (q: CadreQuery) => ['cadres', q] as const,
  cadre: (id: string) => ['cadre', id] as const,
  team: (code: string) => ['team', code] as const,
};

export interface CadreQuery { region?: string; q?: string; page: number; pageSize: number }

export const useCatalog = () =>
  useQuery({ queryKey: assistanceKeys.catalog, queryFn: () => api.get<Catalog>('/api/catalog'), staleTime: 60 * 60_000 });

export const useAssistanceSummary = (id: string, enabled = true) =>
  useQuery({ queryKey: assistanceKeys.summary(id), queryFn: () => api.get<AssistanceSummary>(`/api/households/${id}/assistance`), enabled });

export const usePlans = (id: string) =>
  useQuery({ queryKey: assistanceKeys.plans(id), queryFn: async () => (await api.get<{ items: PlanView[] }>(`/api/households/${id}/plans`)).items });

export const usePlan = (planId: string | undefined) =>
  useQuery({ queryKey: assistanceKeys.plan(planId ?? ''), queryFn: () => api.get<PlanDetail>(`/api/plans/${planId}`), enabled: !!planId });

export const useBenefits = (id: string, enabled = true) =>
  useQuery({ queryKey: assistanceKeys.benefits(id), queryFn: () => api.get<BenefitsResponse>(`/api/households/${id}/benefits`), enabled });

export const useAssessments = (id: string) =>
  useQuery({ queryKey: assistanceKeys.lianbuchou(id), queryFn: async () => (await api.get<{ items: AssessmentView[] }>(`/api/households/${id}/lianbuchou`)).items });

export const usePairings = (id: string) =>
  useQuery({ queryKey: assistanceKeys.pairings(id), queryFn: async () => (await api.get<{ items: PairingView[] }>(`/api/households/${id}/pairings`)).items });

export const useCadres = (q: CadreQuery, enabled = true) =>
  useQuery({ queryKey: assistanceKeys.cadres(q), queryFn: () => api.get<{ total: number; items: CadreView[] }>('/api/cadres', { ...q }), placeholderData: keepPreviousData, enabled });

export const useCadre = (id: string) =>
  useQuery({ queryKey: assistanceKeys.cadre(id), queryFn: () => api.get<CadreDetail>(`/api/cadres/${id}`) });

export const useVillageTeam = (code: string | undefined) =>
  useQuery({ queryKey: assistanceKeys.team(code ?? ''), queryFn: () => api.get<TeamView>(`/api/villages/${code}/team`), enabled: !!code });
