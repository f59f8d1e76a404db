/**
 * A customer list as CSV (a spreadsheet's "Save as CSV", a POS export) turned into the rows
 * `POST /v1/customers` takes, each with its line number, so the import checks them with the
 * API's own rules and says which line is wrong. Parsed by csv-parse: quoted fields, commas
 * or semicolons, a byte-order mark, Windows line ends.
 */
import { parse } from 'csv-parse/sync';

/** The header names understood (compared without case, spaces, dashes or underscores). */
const HEADERS: Record<string, string> = {
  name: 'name',
  fullname: 'name',
  email: 'email',
  emailaddress: 'email',
  birthday: 'birthday',
  dateofbirth: 'birthday',
  emailconsent: 'emailConsent',
  consent: 'emailConsent',
  externalid: 'externalId',
  customerid: 'externalId',
  yourid: 'externalId',
  stamps: 'stamps',
  cardid: 'cardId',
  lastvisit: 'lastVisitAt',
  lastvisitat: 'lastVisitAt',
  joined: 'joinedAt',
  joinedat: 'joinedAt',
};

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'ja', 'oui']);
const NO = new Set(['no', 'n', 'false', '0', 'nein', 'non']);

export interface CsvRow {
  /** The line of the file the row ends on (1 is the header). */
  readonly line: number;
  /** The row as a customer object; values the rules will refuse are kept as given. */
  readonly customer: Record<string, unknown>;
}

export type CsvRowsResult =
  | { readonly ok: true; readonly rows: CsvRow[]; readonly ignoredColumns: string[] }
  | { readonly ok: false; readonly message: string; readonly line?: number | undefined };

const key = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

/** A cell as the rules expect it: numbers for stamps, booleans for consent, nothing for blanks. */
function cell(field: string, raw: string): unknown {
  const value = raw.trim();
  // A blank cell leaves the field out: a new customer gets the default, a known one keeps theirs.
  if (value === '') return undefined;
  if (field === 'emailConsent') {
    const lower = value.toLowerCase();
    if (YES.has(lower)) return true;
    if (NO.has(lower)) return false;
    return value; // refused by the rules: "expected boolean"
  }
  if (field === 'stamps') return /^\d+$/.test(value) ? Number(value) : value;
  return value;
}

/**
 * The rows of `text`, or why the file cannot be read as a customer list.
 *
 * @example
 * csvRows('name,email\nAda,ada@example.com\n')
 * // {ok: true, rows: [{line: 2, customer: {name: 'Ada', email: 'ada@example.com'}}], ignoredColumns: []}
 */
export function csvRows(text: string, maxRows: number): CsvRowsResult {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, columns: true, delimiter, skip_empty_lines: true, relax_column_count: true, info: true });
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { ok: false, message: `The file is not readable as CSV: ${e.message ?? 'parse error'}`, line: e.lines };
  }
  const headers = firstLine.split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''));
  if (!headers.some((h) => HEADERS[key(h)] === 'name')) {
    return { ok: false, message: 'The first line must name the columns, with at least a "name" column', line: 1 };
  }
  if (records.length > maxRows) return { ok: false, message: `A file may hold at most ${maxRows} customers` };
  const ignoredColumns = headers.filter((h) => h !== '' && HEADERS[key(h)] === undefined);
  const rows = records.map(({ record, info }) => {
    const customer: Record<string, unknown> = {};
    for (const [header, raw] of Object.entries(record)) {
      const field = HEADERS[key(header)];
      if (!field || raw === undefined) continue;
      const value = cell(field, raw);
      if (value !== undefined) customer[field] = value;
    }
    return { line: info.lines, customer };
  });
  return { ok: true, rows, ignoredColumns };
}
