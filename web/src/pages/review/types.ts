/** Shapes of the review (动态管理) API: the server's own types, plus the client-side notice and snapshot rows. */
export type { ProposalType } from '../../../../src/domain/review/workflows';
import type { Cycle as ServerCycle } from '../../../../src/modules/review/cycles';
export type { ProposalView as Proposal, ProposalDetail } from '../../../../src/modules/review/proposals';
export type { Notice, NoticeRow, PublicNotice } from '../../../../src/modules/review/notices';
export type { SnapshotSummaryRow as SnapshotRow } from '../../../../src/modules/review/cycles';
import type { ProposalDetail } from '../../../../src/modules/review/proposals';

/** A cycle as the list returns it, with its proposals counted by state. */
export type Cycle = ServerCycle & { counts?: Record<string, number> };
export type HistoryEntry = ProposalDetail['history'][number];
export type Objection = ProposalDetail['objections'][number];
