/**
 * An iPhone's Wallet app, as far as Stampflow can see it: it downloads a pass from the
 * customer's wallet page, checks the pass's signature (`openssl smime -verify`, as the
 * device verifies the PKCS #7 signature over the manifest), registers for updates at the
 * pass's `webServiceURL` with its `authenticationToken`, and, when APNs wakes it, asks
 * which passes changed since its last tag and fetches them with `If-Modified-Since`.
 * Every call goes through the app's HTTP handling (`app.request`), path for path.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../e2e/http';

export interface PassJson {
  serialNumber: string;
  authenticationToken: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  webServiceURL: string;
  organizationName: string;
  backgroundColor: string;
  foregroundColor: string;
  barcodes: { message: string; format: string }[];
  storeCard: Record<
    'primaryFields' | 'secondaryFields' | 'auxiliaryFields' | 'backFields',
    { key: string; value: unknown; changeMessage?: string }[]
  >;
}

export interface OpenedPass {
  readonly json: PassJson;
  /** `openssl smime -verify` against the CA accepted the signature over the manifest. */
  readonly signatureValid: boolean;
  readonly files: readonly string[];
}

/** Unzips a `.pkpass` and verifies its signature against `caPath`. */
export function openPkpass(pkpass: Uint8Array, caPath: string): OpenedPass {
  const dir = mkdtempSync(join(tmpdir(), 'stampflow-phone-'));
  try {
    const file = join(dir, 'pass.pkpass');
    writeFileSync(file, pkpass);
    execFileSync('unzip', ['-q', '-o', file, '-d', join(dir, 'x')]);
    const x = (name: string) => join(dir, 'x', name);
    const verified = spawnSync('openssl', [
      'smime',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      x('signature'),
      '-content',
      x('manifest.json'),
      '-CAfile',
      caPath,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    const manifest = JSON.parse(readFileSync(x('manifest.json'), 'utf8')) as Record<string, string>;
    return {
      json: JSON.parse(readFileSync(x('pass.json'), 'utf8')) as PassJson,
      signatureValid: verified.status === 0,
      files: Object.keys(manifest).sort(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A field of the pass by key, wherever it sits. */
export function field(
  pass: PassJson,
  key: string,
): { key: string; value: unknown; changeMessage?: string } | undefined {
  const all = Object.values(pass.storeCard).flat();
  return all.find((f) => f.key === key);
}

interface Held {
  json: PassJson;
  lastModified: string;
}

export class Phone {
  readonly deviceId = randomBytes(16).toString('hex');
  readonly pushToken = randomBytes(32).toString('hex');
  /** The passes on this phone by serial number. */
  readonly passes = new Map<string, Held>();
  /** `lastUpdated` from the last serials answer. */
  lastUpdated: string | undefined;

  constructor(
    private readonly app: App,
    private readonly caPath: string,
  ) {}

  /** Taps "Add to Apple Wallet" on the customer's page and keeps the pass. */
  async addPass(walletUrl: string): Promise<PassJson> {
    const res = await this.app.request(`${path(walletUrl)}/pass.pkpass`);
    if (res.status !== 200) throw new Error(`pass download answered ${res.status}: ${await res.text()}`);
    if (res.headers.get('content-type') !== 'application/vnd.apple.pkpass')
      throw new Error(`content-type ${res.headers.get('content-type')}`);
    const opened = openPkpass(new Uint8Array(await res.arrayBuffer()), this.caPath);
    if (!opened.signatureValid) throw new Error('the pass signature does not verify');
    this.passes.set(opened.json.serialNumber, {
      json: opened.json,
      lastModified: res.headers.get('last-modified') ?? '',
    });
    return opened.json;
  }

  /** `POST …/registrations/…` as Wallet does right after adding the pass. */
  register(pass: PassJson, token = pass.authenticationToken): Promise<Response> {
    return this.call(
      'POST',
      `/v1/devices/${this.deviceId}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`,
      pass,
      token,
      {
        pushToken: this.pushToken,
      },
    );
  }

  unregister(pass: PassJson, token = pass.authenticationToken): Promise<Response> {
    return this.call(
      'DELETE',
      `/v1/devices/${this.deviceId}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`,
      pass,
      token,
    );
  }

  /** `GET …/registrations/<passType>?passesUpdatedSince=<tag>`. */
  async changedSince(
    pass: PassJson,
    tag = this.lastUpdated,
  ): Promise<{ status: number; serialNumbers: string[]; lastUpdated?: string }> {
    const q = tag ? `?passesUpdatedSince=${tag}` : '';
    const res = await this.call(
      'GET',
      `/v1/devices/${this.deviceId}/registrations/${pass.passTypeIdentifier}${q}`,
      pass,
    );
    if (res.status === 204) return { status: 204, serialNumbers: [] };
    const body = (await res.json()) as { serialNumbers: string[]; lastUpdated: string };
    return { status: res.status, ...body };
  }

  /** `GET /v1/passes/<passType>/<serial>` with `If-Modified-Since` from the pass held. */
  async fetchPass(
    pass: PassJson,
    ifModifiedSince?: string | null,
  ): Promise<{ status: number; json?: PassJson; lastModified: string | null }> {
    const held = this.passes.get(pass.serialNumber);
    const since = ifModifiedSince === undefined ? held?.lastModified : ifModifiedSince;
    const res = await this.call(
      'GET',
      `/v1/passes/${pass.passTypeIdentifier}/${pass.serialNumber}`,
      pass,
      pass.authenticationToken,
      undefined,
      since ? { 'If-Modified-Since': since } : {},
    );
    const lastModified = res.headers.get('last-modified');
    if (res.status !== 200) return { status: res.status, lastModified };
    const opened = openPkpass(new Uint8Array(await res.arrayBuffer()), this.caPath);
    if (!opened.signatureValid) throw new Error('the updated pass signature does not verify');
    return { status: 200, json: opened.json, lastModified };
  }

  /**
   * What Wallet does when APNs wakes it: ask for the serials changed since the last tag,
   * fetch each, keep the new versions. Answers the serials that were fetched anew.
   */
  async sync(): Promise<string[]> {
    const any = [...this.passes.values()][0];
    if (!any) return [];
    const changed = await this.changedSince(any.json);
    if (changed.lastUpdated) this.lastUpdated = changed.lastUpdated;
    const fetched: string[] = [];
    for (const serial of changed.serialNumbers) {
      const held = this.passes.get(serial);
      if (!held) continue;
      const res = await this.fetchPass(held.json);
      if (res.status === 200 && res.json) {
        this.passes.set(serial, { json: res.json, lastModified: res.lastModified ?? '' });
        fetched.push(serial);
      }
    }
    return fetched;
  }

  private call(
    method: string,
    p: string,
    pass: PassJson,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const all: Record<string, string> = { ...headers };
    if (token !== undefined) all['Authorization'] = `ApplePass ${token}`;
    if (body !== undefined) all['Content-Type'] = 'application/json';
    return Promise.resolve(
      this.app.request(`${path(pass.webServiceURL)}${p}`, {
        method,
        headers: all,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  }
}

/** The path of a URL under the public base (the app answers paths). */
function path(url: string): string {
  return new URL(url).pathname.replace(/\/+$/, '');
}
