import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { DispatchGroup, DispatchTask, TaskProgress, TaskStatus } from '../../../src/modules/targets/dispatch';
import type { CadenceRow, DispatchReport, LevelCompliance } from '../../../src/modules/targets/dispatch-cadence';
import { api } from './client';

/**
 * 调度 (五(一)): the shapes come from the server's declarations (type-only imports); the hooks,
 * keys and calls are this file's.
 */
export type { CadenceRow, DispatchGroup, DispatchReport, DispatchTask, LevelCompliance, TaskProgress, TaskStatus };
export type TaskDetail = DispatchTask & { history: TaskProgress[] };

export interface TaskQuery { region?: string; status?: TaskStatus; groupId?: string }
export interface Window { region?: string; from: string; to: string }

export const dispatchKeys = {
  all: ['dispatch'] as const,
  groups: ['dispatch', 'groups'] as const,
  tasks: (q: TaskQuery) => ['dispatch', 'tasks', q] as const,
  task: (id: string) => ['dispatch', 'task', id] as const,
  cadence: (w: Window) => ['dispatch', 'cadence', w] as const,
  compliance: (w: Window) => ['dispatch', 'compliance', w] as const,
  reports: (w: Window) => ['dispatch', 'reports', w] as const,
};

export const useDispatchGroups = () =>
  useQuery({ queryKey: dispatchKeys.groups, queryFn: async () => (await api.get<{ items: DispatchGroup[] }>('/api/dispatch/groups')).items });

export const useDispatchTasks = (q: TaskQuery) =>
  useQuery({
    queryKey: dispatchKeys.tasks(q),
    queryFn: async () => (await api.get<{ items: DispatchTask[] }>('/api/dispatch/tasks', { ...q })).items,
    placeholderData: keepPreviousData,
  });

export const useDispatchTask = (id: string | null) =>
  useQuery({ queryKey: dispatchKeys.task(id ?? ''), queryFn: () => dispatchApi.get(id!), enabled: id !== null });

export const useCadence = (w: Window) =>
  useQuery({ queryKey: dispatchKeys.cadence(w), queryFn: async () => (await api.get<{ items: CadenceRow[] }>('/api/dispatch/cadence', { ...w })).items, placeholderData: keepPreviousData });

export const useCompliance = (w: Window) =>
  useQuery({ queryKey: dispatchKeys.compliance(w), queryFn: async () => (await api.get<{ items: LevelCompliance[] }>('/api/dispatch/compliance', { ...w })).items, placeholderData: keepPreviousData });

export const useDispatchReports = (w: Window) =>
  useQuery({ queryKey: dispatchKeys.reports(w), queryFn: async () => (await api.get<{ items: DispatchReport[] }>('/api/dispatch/reports', { ...w })).items, placeholderData: keepPreviousData });

export interface TaskInput { groupId?: string | null; regionCode: string; title: string; owner: string; deadline: string }

export const dispatchApi = {
  get: (id: string) => api.get<TaskDetail>(`/api/dispatch/tasks/${id}`),
  createGroup: (b: { name: string; lead: string; regionCode: string; members: string[] }) => api.post<DispatchGroup>('/api/dispatch/groups', b),
  updateGroup: (id: string, b: { version: number; lead?: string; members?: string[] }) => api.patch<DispatchGroup>(`/api/dispatch/groups/${id}`, b),
  createTask: (b: TaskInput) => api.post<DispatchTask>('/api/dispatch/tasks', b),
  updateTask: (id: string, b: Partial<Omit<TaskInput, 'regionCode'>> & { version: number }) => api.patch<DispatchTask>(`/api/dispatch/tasks/${id}`, b),
  progress: (id: string, b: { version: number; percent: number; note: string }) => api.post<DispatchTask>(`/api/dispatch/tasks/${id}/progress`, b),
  done: (id: string, b: { version: number; note?: string }) => api.post<DispatchTask>(`/api/dispatch/tasks/${id}/done`, b),
  report: (b: { regionCode: string; heldOn: string; chair: string; summary: string }) => api.post<DispatchReport>('/api/dispatch/reports', b),
};
