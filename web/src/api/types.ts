/**
 * The API's shapes, taken from the server's own declarations (type-only imports, erased from the
 * bundle), so the web app has no second copy of them to drift. JSON turns nothing here into
 * anything else: dates are already ISO strings on the server side.
 */
export type { EventView, HouseholdListItem, HouseholdView, IncomeView, MemberView } from '../../../src/modules/registry/service';
export type { ImportError, ImportResult } from '../../../src/modules/registry/import';
export type { FieldSpec, FieldType } from '../../../src/modules/registry/fields';
export type { Dictionary, DictEntry, DictName } from '../../../src/domain/dictionaries';
export type { Region } from '../../../src/modules/regions/service';
export type { Overview, ByRegion, RegionStats, Trends, Bucket, YearCount } from '../../../src/modules/stats/service';
export type { RegionLevel } from '../../../src/domain/regions';
import type { EventView, HouseholdListItem } from '../../../src/modules/registry/service';
import type { ImportError } from '../../../src/modules/registry/import';
import type { FieldSpec } from '../../../src/modules/registry/fields';

/** GET /api/auth/me and POST /api/auth/login. */
export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  regionCode: string;
  permissions: string[];
}

export interface HouseholdPage {
  total: number;
  /** false when a name/ID search matched more than `total` households and counting stopped. */
  totalExact: boolean;
  page: number;
  pageSize: number;
  items: HouseholdListItem[];
  masked: boolean;
}

export interface FieldsResponse {
  household: FieldSpec[];
  member: FieldSpec[];
  income: FieldSpec[];
}

export type ChangeEvent = EventView;
export type ImportIssue = ImportError;

/** Every error the API returns. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId?: string;
}

// 数据比对 (comparison): the server's own shapes.
export type { CompareResult, PreviewResult } from '../../../src/modules/comparison/compare';
export type { RowIssue, ColumnMatch } from '../../../src/modules/comparison/parse';
export type { Finding, SummaryRow, DatasetRow, FindingStatus } from '../../../src/modules/comparison/service';
import type { Finding } from '../../../src/modules/comparison/service';

/** GET /api/comparison/findings. */
export interface FindingPage {
  items: Finding[];
  total: number;
  page: number;
  pageSize: number;
  masked: boolean;
}
// ── targets and indicators (issue 7) ───────────────────────────────────────────────────────
export type Rag = 'green' | 'amber' | 'red' | 'unknown';
export interface TargetRow {
  id: string; clause: string; text: string; indicator: string; unit: string; region: string; year: number | null;
  period: string | null; planned: number; comparison: string; reached: number | null; status: Rag; reachedBy: string; detail: string | null;
}
export interface TargetReport { asOf: string; targets: TargetRow[] }
export interface TargetForm {
  id: string; clause: string; text: string; indicator: string; unit: string; region: string; year: number | null;
  period: string | null; planned: number; comparison: string; per: string | null; entryLevel: string; department: string; years: number[];
}
export type EntryStatus = 'draft' | 'submitted' | 'county_approved' | 'approved';
export interface TargetEntry {
  id: string; targetId: string; indicator: string; clause: string; unit: string; planned: number; regionCode: string;
  regionName: string | null; year: number; value: number; meetsPlan: boolean; note: string | null; status: EntryStatus;
  returnReason: string | null; enteredBy: string; submittedBy: string | null; submittedAt: string | null;
  countyApprovedBy: string | null; countyApprovedAt: string | null; cityApprovedBy: string | null; cityApprovedAt: string | null;
  version: number; updatedAt: string;
}
export interface Indicator {
  regionCode: string; name: string | null; level: string; period: string; households: number; people: number;
  poorHouseholds: number; poorPeople: number; exitedHouseholds: number; exitedPeople: number;
  ruralPopulation: number | null; incidence: number | null;
}
export interface RegionIndicators {
  computedAt: string | null; stale: boolean; refreshing: boolean; requestedAt: string | null; error: string | null;
  period: string; region: Indicator | null; children: Indicator[];
}
export interface IndicatorTrend { computedAt: string | null; stale: boolean; items: Indicator[] }
