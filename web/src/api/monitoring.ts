import type { ClueView, WarningView } from '../../../src/modules/monitoring/service';
import type { StandardRow } from '../../../src/modules/monitoring/standards';
import { api } from './client';

/** Types and calls of the monitoring, standards and self-report endpoints (src/modules/monitoring). */

/** A warning as the server gives it (status: open, handled or dismissed). */
export type Warning = WarningView;

export interface WarningPage { total: number; page: number; pageSize: number; items: Warning[]; deadlineDays: number }

export interface Inspection {
  id: string;
  cycle: string;
  householdId: string;
  householdNumber: string;
  villageCode: string;
  villageName: string | null;
  cadreName: string | null;
  status: 'assigned' | 'done';
  findings: string | null;
  riskFound: boolean | null;
  riskKind: string | null;
  visitedOn: string | null;
  version: number;
}

export type Standard = StandardRow;

/** A clue as the server gives it (phones and ID numbers masked unless asked for and allowed). */
export type Clue = ClueView;

export interface RulesInfo {
  rules: { code: string; title: string; source: string }[];
  sources: Record<string, string>;
  kinds: Record<string, string>;
  categories: string[];
}

export interface ScanSummary { year: number; asOf: string; households: number; newWarnings: number; seenWarnings: number; openWarnings: number; overdue: number; skipped: { rule: string; reason: string }[] }

export interface PublicRegion { code: string; name: string; level: string }

export const monitoringApi = {
  rules: () => api.get<RulesInfo>('/api/monitoring/rules'),
  warnings: (q: { status?: string; rule?: string; overdue?: boolean; page: number; pageSize: number }) => api.get<WarningPage>('/api/monitoring/warnings', q),
  resolve: (id: string, body: { decision: 'handled' | 'dismissed'; resolution: string; version: number }) => api.post<{ ok: true }>(`/api/monitoring/warnings/${id}/resolve`, body),
  clues: (q: { status?: string; source?: string; unmasked?: boolean; page: number; pageSize: number }) => api.get<{ total: number; items: Clue[]; masked: boolean }>('/api/monitoring/clues', q),
  createClue: (body: { householdNumber?: string; idNumber?: string; source: string; kind: string; description: string; firstSeen?: string; facts?: Record<string, number> }) =>
    api.post<{ id: string; firstSeen: string; deadline: string }>('/api/monitoring/clues', body),
  linkClue: (id: string, body: { householdNumber: string; version: number }) => api.post<{ householdId: string; householdNumber: string }>(`/api/monitoring/clues/${id}/link`, body),
  closeClue: (id: string, body: { reason: string; version: number }) => api.post<{ ok: true }>(`/api/monitoring/clues/${id}/close`, body),
  scan: () => api.post<ScanSummary>('/api/monitoring/scan', {}),
  inspections: (q: { cycle?: string; status?: string; page: number; pageSize: number }) => api.get<{ total: number; items: Inspection[] }>('/api/monitoring/inspections', q),
  sample: (body: { cycle: string; ratio?: number; count?: number }) => api.post<{ sampled: number; alreadySampled: number; exited: number }>('/api/monitoring/inspections/sample', body),
  record: (id: string, body: { visitedOn: string; findings: string; riskFound: boolean; riskKind?: string; version: number }) => api.post<{ clueId: string | null }>(`/api/monitoring/inspections/${id}/record`, body),
  standards: () => api.get<{ items: Standard[]; kinds: Record<string, { title: string; unit: string }> }>('/api/standards'),
  setStandard: (kind: string, year: number, body: { value: number; source: string; verified?: boolean; note?: string | null; version?: number }) => api.put<Standard>(`/api/standards/${kind}/${year}`, body),
  publicChildren: (code: string) => api.get<{ items: PublicRegion[] }>(`/api/public/regions/${code}/children`),
  selfReport: (body: { name: string; phone: string; idNumber?: string; villageCode: string; kind: string; description: string }) =>
    api.post<{ reference: string; firstSeen: string; deadline: string }>('/api/public/monitoring/reports', body),
};
