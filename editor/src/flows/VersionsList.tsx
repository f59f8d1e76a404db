/** The published versions of a flow, newest first; each opens read-only. */
import { Link } from 'wouter';
import { dateTime, relativeTime } from './format';

export interface VersionItem {
  readonly version: number;
  readonly createdAt: string;
  readonly publishedBy?: string | null;
}

export function VersionsList({ flowId, versions }: { flowId: string; versions: readonly VersionItem[] }) {
  if (versions.length === 0) {
    return (
      <p className="hint">
        Nothing published yet. When you publish, each version is kept here and can be opened read-only.
      </p>
    );
  }
  return (
    <ol className="versions" aria-label="Versions" reversed>
      {[...versions].reverse().map((v) => (
        <li key={v.version}>
          <Link href={`/flows/${flowId}/versions/${v.version}`} className="version-link">
            <strong>Version {v.version}</strong>
            <span className="hint" title={dateTime(v.createdAt)}>
              {v.publishedBy ? `by ${v.publishedBy} · ` : ''}
              {relativeTime(v.createdAt)}
            </span>
          </Link>
        </li>
      ))}
    </ol>
  );
}
