/** A test file's stack whose pushes go through the local APNs server, with the wallet pages served. */
import { afterAll } from 'vitest';
import { createApnsSender } from '../../engine/channels/wallet/apns';
import type { AppleSigner, ApnsSender } from '../../engine/channels/wallet/types';
import { startApnsServer, type ApnsServer } from '../apns/server';
import { stackForFile, type FileStack } from '../e2e/http';
import { DEFAULT_CHANNELS, startStack } from '../support/stack';

/** `file.apns` is the local APNs server (set once the file's `beforeAll` has run). */
export function apnsStackForFile(publicUrl: string, signer: AppleSigner): FileStack & { readonly apns: ApnsServer } {
  let sender: ApnsSender | undefined;
  const file = stackForFile(
    async () => {
      const apns = await startApnsServer();
      Object.assign(file, { apns });
      // No `ca`: the sender trusts the local APNs server through NODE_EXTRA_CA_CERTS, as in production.
      sender = createApnsSender({ url: apns.url, signer, backoffMs: 20 });
      return startStack({ ...DEFAULT_CHANNELS, wallet: { apns: sender } });
    },
    () => ({ wallet: { publicUrl, signer } }),
  ) as FileStack & { apns: ApnsServer };
  afterAll(async () => {
    await sender?.close();
    await file.apns?.close();
  });
  return file;
}
