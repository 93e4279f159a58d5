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
