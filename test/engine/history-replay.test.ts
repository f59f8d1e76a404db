/**
 * Replays workflow histories recorded from an earlier version of the workflow code (see
 * test/fixtures/histories/README.md) with today's workflow bundle. A change to workflows/
 * that would break runs already in flight (a different command sequence: an extra
 * activity, a timer added, moved or resized, …) fails here with a DeterminismViolationError.
 * Replay needs no server and no database: it runs on the recorded events only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installRuntimeLogger } from '../../server/temporal/worker';
import { workflowBundle } from '../support/stack';

installRuntimeLogger('ERROR'); // the replay workers' state changes are noise here

const HISTORIES = join(import.meta.dirname, '..', 'fixtures', 'histories');
const files = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * A history file (proto3 JSON, as `historyToJSON` writes it) as a History object.
 *
 * The SDK's `historyFromJSON` throws "type must be a Type" when npm installs separate copies
 * of protobufjs under @temporalio/common and @temporalio/proto (it checks the proto's types
 * with the other copy's `instanceof`), as it does with today's lock file. Then the same
 * conversion is done with the protobufjs copy that @temporalio/proto itself uses.
 */
function loadHistory(file: string): History {
  const json: unknown = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
  try {
    return historyFromJSON(json);
  } catch (err) {
    if (!(err instanceof TypeError && err.message.includes('must be a Type'))) throw err;
    const require = createRequire(import.meta.url);
    const proto = require('@temporalio/proto');
    const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson');
    const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root');
    const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
    return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
  }
}

describe('recorded workflow histories', () => {
  it('are all here (at least 5)', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('replays %s recorded by the previous workflow code', async (file) => {
    const history = loadHistory(file);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe('runFlow');
    // `run-<uuid>` as recorded (server/temporal/run-launcher.ts); replay only uses it to
    // label its errors.
    const workflowId = started?.workflowId || `replay-${file}`;
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId)).resolves.toBeUndefined();
  });
});
