/** The "Load more" row under a paginated list (see `usePaged`); nothing when all is shown. */
import type { Paged } from './use-paged';

export function LoadMore({ list }: { list: Pick<Paged<unknown>, 'hasMore' | 'loadMore' | 'loadingMore'> }) {
  if (!list.hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
        {list.loadingMore ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
