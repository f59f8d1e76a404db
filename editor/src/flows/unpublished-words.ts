/**
 * The "unpublished changes" marker's words: what the draft changes against the live version,
 * with steps named by what they do ("Email · Still time, Ada"), not by their ids.
 */
import { nodeTitle } from './node-summary';

export interface UnpublishedChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly connections: boolean;
}

export interface UnpublishedWords {
  /** "Unpublished changes". */
  readonly label: string;
  /** One line per change: "Changed: Push · “Cake is waiting”". */
  readonly lines: readonly string[];
  readonly liveVersion: number;
}

/** Undefined when the draft is what customers get (or nothing is published yet). */
export function unpublishedWords(
  changes: UnpublishedChanges | null,
  nodes: readonly { id: string; type?: string | undefined; data: Record<string, unknown> }[],
  liveVersion: number | null,
): UnpublishedWords | undefined {
  if (!changes || liveVersion === null) return undefined;
  const title = (id: string) => {
    const node = nodes.find((n) => n.id === id);
    return node ? nodeTitle(node.type ?? '', node.data) : 'a step';
  };
  const lines = [
    ...changes.added.map((id) => `Added: ${title(id)}`),
    ...changes.changed.map((id) => `Changed: ${title(id)}`),
    ...(changes.removed.length > 0 ? [`Removed: ${changes.removed.length === 1 ? 'one step' : `${changes.removed.length} steps`}`] : []),
    ...(changes.connections ? ['Connections between steps changed'] : []),
  ];
  return { label: 'Unpublished changes', lines, liveVersion };
}
