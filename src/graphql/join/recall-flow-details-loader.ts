/**
 * RecallFlow.attempts' per-request DataLoader (one per product line, built by RequestJoin): a
 * flow's detail, one upstream call per flow (the API has no batch form). The calls of a batch go
 * out together; the upstream client bounds them (UPSTREAM_CONCURRENCY) and coalesces identical
 * ones in flight. A detail that fails is that flow's error only: the batch answers an Error for
 * its key, so its `attempts` is null with a coded error and the rest of the page arrives.
 */
import DataLoader from 'dataloader';
import type { LaafficApi, RecallFlowDetailRecord } from '../../upstream';
import type { GatewayContext } from '../context';

export type RecallFlowDetailsLoader = DataLoader<number, RecallFlowDetailRecord>;

export function createRecallFlowDetailsLoader(ctx: GatewayContext, api: LaafficApi): RecallFlowDetailsLoader {
  return new DataLoader(async (keyIds) => {
    ctx.observeBatch('recallFlowDetail', keyIds.length);
    return Promise.all(
      keyIds.map((keyId) =>
        api.queryRecallFlowDetail(keyId, ctx.call).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      ),
    );
  });
}
