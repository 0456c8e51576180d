/**
 * Generates one module per engine line, shared/config/flags-<engine>-<line>.generated.ts, from the directive tables
 * in shared/config/data/ (parsed from each engine's `standardConfig static_configs[]` in src/config.c of
 * https://github.com/redis/redis and https://github.com/valkey-io/valkey; see data/NOTES.md) and the command lists (data/redis-7.0-commands.txt, read
 * from a live redis-server 7.0.15 with COMMAND LIST, plus the per-line deltas of data/command-deltas.csv).
 *
 * Lines without a config.c table in the snapshot (Redis 8.2, Valkey 8.1, Valkey 9.0) are their base line plus a
 * delta file (`<id>-config-flags.delta.csv`) whose every row cites the release notes or config docs it comes from.
 *
 * Why generated and committed: the table is the one source of truth for "unknown directive", types, bounds and
 * IMMUTABLE (one home per concept: docs/architecture.md, House rules); the functions' bundles should not parse CSV at cold start; one module per line keeps each
 * under eslint's 400-line limit. A unit test regenerates every module and fails if a committed file drifted.
 *
 * Usage: npx node scripts/gen-config-flags.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DATA_DIR = resolve(import.meta.dirname, '../shared/config/data');
export const OUT_DIR = resolve(import.meta.dirname, '../shared/config');

const KNOWN_TYPES = [
  'Bool',
  'Enum',
  'Int',
  'UInt',
  'Long',
  'ULong',
  'LongLong',
  'ULongLong',
  'SizeT',
  'SSizeT',
  'OffT',
  'TimeT',
  'String',
  'SDS',
  'Special',
] as const;

const HEADER = 'name,alias,type,flags,default,min,max,enum,unit,since';
const DELTA_HEADER = 'op,name,alias,type,flags,default,min,max,enum,unit,source';

export interface LineSpec {
  id: string;
  label: string;
  distribution: 'Official' | 'Valkey';
  /** A table of its own (csv) or a base line plus a delta. */
  csv?: string;
  base?: string;
  source: string;
  /** The line whose command list this one starts from (before the deltas of command-deltas.csv for `id`). */
  commandsFrom?: string;
}

export const LINES: readonly LineSpec[] = [
  {
    id: 'redis-6.2',
    label: 'Redis 6.2',
    distribution: 'Official',
    csv: 'redis-6.2-config-flags.csv',
    commandsFrom: 'redis-7.0',
    source: 'redis/redis 6.2.16 (ad950e4c32d9) src/config.c',
  },
  {
    id: 'redis-7.0',
    label: 'Redis 7.0',
    distribution: 'Official',
    csv: 'redis-7.0-config-flags.csv',
    source: 'redis/redis 7.0.15 (f35f36a26540) src/config.c',
  },
  {
    id: 'redis-7.2',
    label: 'Redis 7.2',
    distribution: 'Official',
    csv: 'redis-7.2-config-flags.csv',
    commandsFrom: 'redis-7.0',
    source: 'redis/redis 7.2.6 (ae6a2aa95cd0) src/config.c',
  },
  {
    id: 'redis-7.4',
    label: 'Redis 7.4',
    distribution: 'Official',
    csv: 'redis-7.4-config-flags.csv',
    commandsFrom: 'redis-7.2',
    source: 'redis/redis 7.4.1 (74b289a0e12f) src/config.c',
  },
  {
    id: 'redis-8.0',
    label: 'Redis 8.0',
    distribution: 'Official',
    csv: 'redis-8.0-config-flags.csv',
    commandsFrom: 'redis-7.4',
    source: 'redis/redis 8.0-m01 (5fe3e74a3831) src/config.c',
  },
  {
    id: 'redis-8.2',
    label: 'Redis 8.2',
    distribution: 'Official',
    base: 'redis-8.0',
    commandsFrom: 'redis-8.0',
    source: 'Redis 8.0 table + data/redis-8.2-config-flags.delta.csv (release notes)',
  },
  {
    id: 'valkey-7.2',
    label: 'Valkey 7.2',
    distribution: 'Valkey',
    csv: 'valkey-7.2-config-flags.csv',
    commandsFrom: 'redis-7.2',
    source: 'valkey-io/valkey 7.2.7 (357191acb9a0) src/config.c',
  },
  {
    id: 'valkey-8.0',
    label: 'Valkey 8.0',
    distribution: 'Valkey',
    csv: 'valkey-8.0-config-flags.csv',
    commandsFrom: 'valkey-7.2',
    source: 'valkey-io/valkey 8.0.1 (4fbab5740bfe) src/config.c',
  },
  {
    id: 'valkey-8.1',
    label: 'Valkey 8.1',
    distribution: 'Valkey',
    base: 'valkey-8.0',
    commandsFrom: 'valkey-8.0',
    source: 'Valkey 8.0 table + data/valkey-8.1-config-flags.delta.csv (release notes)',
  },
  {
    id: 'valkey-9.0',
    label: 'Valkey 9.0',
    distribution: 'Valkey',
    base: 'valkey-8.1',
    commandsFrom: 'valkey-8.1',
    source: 'Valkey 8.1 table + data/valkey-9.0-config-flags.delta.csv (release notes)',
  },
];

export class FlagsCsvError extends Error {
  override name = 'FlagsCsvError';
}

export interface Row {
  name: string;
  alias: string;
  type: string;
  flags: string[];
  rawDefault: string;
  min: string;
  max: string;
  enumValues: string[];
  units: string[];
}

const bar = (s: string): string[] => s.split('|').filter(Boolean);

function csvLines(csv: string, header: string, file: string): string[][] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines.shift();
  if (first !== header) throw new FlagsCsvError(`${file}: unexpected CSV header: ${String(first)}`);
  return lines.map((line, i) => {
    // The tables have no quoted fields; refuse them rather than mis-split a value.
    if (line.includes('"')) throw new FlagsCsvError(`${file} line ${i + 2}: quoted CSV fields are not supported`);
    const cells = line.split(',');
    if (cells.length !== header.split(',').length)
      throw new FlagsCsvError(
        `${file} line ${i + 2}: expected ${header.split(',').length} fields, got ${cells.length}`,
      );
    return cells;
  });
}

function toRow(cells: string[], file: string): Row {
  const [name = '', alias = '', type = '', flags = '', rawDefault = '', min = '', max = '', en = '', unit = ''] = cells;
  if (!(KNOWN_TYPES as readonly string[]).includes(type))
    throw new FlagsCsvError(`${file}: ${name}: unknown type ${type}`);
  return { name, alias, type, flags: bar(flags), rawDefault, min, max, enumValues: bar(en), units: bar(unit) };
}

export function parseTable(csv: string, file: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const cells of csvLines(csv, HEADER, file)) {
    const row = toRow(cells, file);
    if (rows.has(row.name)) throw new FlagsCsvError(`${file}: duplicate ${row.name}`);
    rows.set(row.name, row);
  }
  return rows;
}

/** A row's nine cells in CSV column order, list cells joined with `sep` (`|` in the CSV data, ` ` in the pool). */
const rowCells9 = (r: Row, sep: string): string[] => [
  r.name,
  r.alias,
  r.type,
  r.flags.join(sep),
  r.rawDefault,
  r.min,
  r.max,
  r.enumValues.join(sep),
  r.units.join(sep),
];

/** add: a full row; remove: the name; set: the non-empty cells replace the base's (`-` clears a cell). */
export function applyDelta(base: Map<string, Row>, csv: string, file: string): Map<string, Row> {
  const out = new Map([...base].map(([k, v]) => [k, { ...v }]));
  for (const [op = '', ...cells] of csvLines(csv, DELTA_HEADER, file)) {
    const name = cells[0] ?? '';
    if (cells[cells.length - 1] === '') throw new FlagsCsvError(`${file}: ${name}: every delta row cites a source`);
    const rowCells = cells.slice(0, 9);
    if (op === 'add') {
      if (out.has(name)) throw new FlagsCsvError(`${file}: add of existing ${name}`);
      out.set(name, toRow(rowCells, file));
    } else if (op === 'remove') {
      if (!out.delete(name)) throw new FlagsCsvError(`${file}: remove of unknown ${name}`);
    } else if (op === 'set') {
      const prev = out.get(name);
      if (!prev) throw new FlagsCsvError(`${file}: set of unknown ${name}`);
      const merged = rowCells9(prev, '|').map((v, i) =>
        rowCells[i] === '-' ? '' : rowCells[i] === '' || rowCells[i] === undefined ? v : rowCells[i],
      );
      out.set(name, toRow(merged, file));
    } else throw new FlagsCsvError(`${file}: unknown op ${op}`);
  }
  return out;
}

/** command-deltas.csv: `line,op,command,source` (op add | remove). */
function commandsOf(spec: LineSpec, deltas: string[][], memo: Map<string, string[]>): string[] {
  const cached = memo.get(spec.id);
  if (cached) return cached;
  let set: Set<string>;
  if (spec.id === 'redis-7.0') set = new Set(readData('redis-7.0-commands.txt').split('\n').filter(Boolean));
  else {
    const from = LINES.find((l) => l.id === spec.commandsFrom);
    if (!from) throw new FlagsCsvError(`${spec.id}: no commandsFrom line`);
    set = new Set(commandsOf(from, deltas, memo));
  }
  for (const [line, op, command = ''] of deltas) {
    if (line !== spec.id) continue;
    if (op === 'add') set.add(command);
    else if (op === 'remove' && !set.delete(command))
      throw new FlagsCsvError(`${spec.id}: remove of unknown ${command}`);
  }
  const sorted = [...set].sort();
  memo.set(spec.id, sorted);
  return sorted;
}

const readData = (file: string): string => readFileSync(join(DATA_DIR, file), 'utf8');

function tableOf(spec: LineSpec, memo: Map<string, Map<string, Row>>): Map<string, Row> {
  const cached = memo.get(spec.id);
  if (cached) return cached;
  let rows: Map<string, Row>;
  if (spec.csv) rows = parseTable(readData(spec.csv), spec.csv);
  else {
    const base = LINES.find((l) => l.id === spec.base);
    if (!base) throw new FlagsCsvError(`${spec.id}: unknown base ${String(spec.base)}`);
    const file = `${spec.id}-config-flags.delta.csv`;
    rows = applyDelta(tableOf(base, memo), readData(file), file);
  }
  memo.set(spec.id, rows);
  return rows;
}

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const generatedPath = (spec: LineSpec): string => join(OUT_DIR, `flags-${spec.id}.generated.ts`);
/** The rows and command names every line shares, stored once (ten lines are mostly the same ~200 rows). */
export const poolPath = join(OUT_DIR, 'flag-pool.generated.ts');

const sortedRows = (spec: LineSpec): Row[] =>
  [...tableOf(spec, new Map()).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function commandsOfLine(spec: LineSpec): string[] {
  const deltas = csvLines(readData('command-deltas.csv'), 'line,op,command,source', 'command-deltas.csv');
  return commandsOf(spec, deltas, new Map());
}

/** One row as the pool stores it: tab-separated cells, lists space-separated (engine-table.ts decodeRow). */
function encodeRow(r: Row): string {
  const cells = rowCells9(r, ' ');
  for (const c of cells)
    if (/[\t\n]/.test(c)) throw new FlagsCsvError(`${r.name}: a cell holds a tab or a newline: ${JSON.stringify(c)}`);
  if ([...r.flags, ...r.enumValues, ...r.units].some((v) => v.includes(' ')))
    throw new FlagsCsvError(`${r.name}: a list item holds a space`);
  return cells.join('\t');
}

/** Every distinct row and command name of all lines, sorted: the pool the line modules index into. */
function pool(): { rows: string[]; commands: string[] } {
  const rows = new Set<string>();
  const commands = new Set<string>();
  for (const spec of LINES) {
    for (const r of sortedRows(spec)) rows.add(encodeRow(r));
    for (const c of commandsOfLine(spec)) commands.add(c);
  }
  return { rows: [...rows].sort(), commands: [...commands].sort() };
}

const HEADER_LINES = (source: string): string[] => [
  `// GENERATED by scripts/gen-config-flags.ts from shared/config/data/ (${source}).`,
  '// Do not edit by hand: change the data or the generator and re-run it.',
];

/** Long strings split over lines of at most ~110 characters, joined back by the module. */
function chunked(text: string, sep: string): string[] {
  const parts = text.split(sep);
  const out: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && line.length + part.length > 100) {
      out.push(line);
      line = '';
    }
    line += (line === '' ? '' : sep) + part;
  }
  if (line !== '') out.push(line);
  return out;
}

/** Pure given the data files: the pool module text (byte-for-byte deterministic). */
export function generatePoolModule(): string {
  const { rows, commands } = pool();
  return [
    ...HEADER_LINES('every line'),
    '// One row per line, tab-separated cells (engine-table.ts decodeRow); command names space-separated.',
    'export const FLAG_ROWS: readonly string[] = [',
    ...rows.map((r) => `  ${JSON.stringify(r)},`),
    '];',
    '',
    'export const COMMAND_NAMES: readonly string[] = [',
    ...chunked(commands.join(' '), ' ').map((l) => `  ${JSON.stringify(l)},`),
    "].join(' ').split(' ');",
    '',
  ].join('\n');
}

/** Pure given the data files: the module text of one line (byte-for-byte deterministic). */
export function generateLineModule(spec: LineSpec): string {
  const { rows, commands } = pool();
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  const commandIndex = new Map(commands.map((c, i) => [c, i]));
  const rowRefs = sortedRows(spec).map((r) => (rowIndex.get(encodeRow(r)) ?? -1).toString(36));
  const commandRefs = commandsOfLine(spec).map((c) => (commandIndex.get(c) ?? -1).toString(36));
  const [major = '0', minor = '0'] = spec.label.split(' ')[1]?.split('.') ?? [];
  return [
    ...HEADER_LINES(spec.source),
    "import { decodeTable, type EngineTable } from './engine-table.ts';",
    "import { COMMAND_NAMES, FLAG_ROWS } from './flag-pool.generated.ts';",
    '',
    '// Rows and commands as base-36 indices into the shared pool (flag-pool.generated.ts).',
    'export const TABLE: EngineTable = decodeTable(',
    '  {',
    `    label: ${q(spec.label)},`,
    `    distribution: ${q(spec.distribution)},`,
    `    major: ${Number(major)},`,
    `    minor: ${Number(minor)},`,
    `    source: ${q(spec.source)},`,
    '  },',
    '  FLAG_ROWS,',
    '  [',
    ...chunked(rowRefs.join(' '), ' ').map((l) => `    ${q(l)},`),
    "  ].join(' '),",
    '  COMMAND_NAMES,',
    '  [',
    ...chunked(commandRefs.join(' '), ' ').map((l) => `    ${q(l)},`),
    "  ].join(' '),",
    ');',
    '',
  ].join('\n');
}

if (import.meta.main) {
  writeFileSync(poolPath, generatePoolModule());
  console.log(`wrote ${poolPath}`);
  for (const spec of LINES) {
    writeFileSync(generatedPath(spec), generateLineModule(spec));
    console.log(`wrote ${generatedPath(spec)}`);
  }
}
