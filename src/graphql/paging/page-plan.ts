/**
 * Plans the fewest upstream page calls for a Relay window `(offset, limit)` over a list served
 * as pages `(current, size)` with `size <= 100`: one call whenever some size in [limit, 100]
 * puts the whole window on one page, otherwise two consecutive pages of size `limit`.
 */

export const MAX_PAGE_SIZE = 100;

export interface PageCall {
  /** 1-based page number. */
  current: number;
  size: number;
}

export interface PagePlan {
  calls: PageCall[];
  /** Index, in the concatenated records of `calls`, of the window's first record. */
  skip: number;
}

export function planPages(offset: number, limit: number, maxSize = MAX_PAGE_SIZE): PagePlan {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer: ${offset}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxSize) throw new RangeError(`limit must be in 1..${maxSize}: ${limit}`);
  const last = offset + limit - 1;
  // The smallest fitting size fetches the fewest surplus records.
  for (let size = limit; size <= maxSize; size++) {
    const page = Math.floor(offset / size);
    if (page === Math.floor(last / size)) {
      return { calls: [{ current: page + 1, size }], skip: offset - page * size };
    }
  }
  // A window of `limit` records spans at most two pages of size `limit`.
  const page = Math.floor(offset / limit);
  return {
    calls: [
      { current: page + 1, size: limit },
      { current: page + 2, size: limit },
    ],
    skip: offset - page * limit,
  };
}

/** Picks the window's records out of the planned pages' records (concatenated in call order). */
export function sliceWindow<T>(plan: PagePlan, pages: T[][], limit: number): T[] {
  return pages.flat().slice(plan.skip, plan.skip + limit);
}
