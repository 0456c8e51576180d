/**
 * Server-side printing (`meta.k8s.io/v1 Table`), which `kubectl get` requests: CRD additionalPrinterColumns, and the
 * default columns of the built-in kinds (as printed by k8s.io/kubernetes/pkg/printers/internalversion).
 */
import { corePrinter } from './core-printers.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration, which the AGE column uses. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  const days = Math.floor(hours / 24);
  if (days < 730) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 2920) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

export function age(ts: string | undefined): string {
  return ts ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>';
}

/** Evaluates the simple JSONPath forms printer columns use: `.a.b`, `.a[0].b`, `.a[?(@.type=="Ready")].status`. */
function jsonPathValue(obj: unknown, path: string): unknown {
  const tokens =
    path
      .replace(/^\{?\.?/, '')
      .replace(/\}$/, '')
      .match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown = obj;
  for (const tok of tokens) {
    if (cur === null || cur === undefined) return undefined;
    const filter = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(tok);
    if (filter) {
      cur = Array.isArray(cur) ? cur.find((x) => jsonPathValue(x, `.${filter[1]}`) === filter[2]) : undefined;
    } else if (/^\[\d+\]$/.test(tok)) {
      cur = Array.isArray(cur) ? cur[Number(tok.slice(1, -1))] : undefined;
    } else if (typeof cur === 'object') {
      cur = (cur as Record<string, unknown>)[tok.replace(/^\[['"]?|['"]?\]$/g, '')];
    } else return undefined;
  }
  return cur;
}

const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

function crdColumns(cols: PrinterColumn[]): TableColumn[] {
  return [
    NAME_COLUMN,
    ...cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
  ];
}

function crdCells(cols: PrinterColumn[], obj: KubeObject): unknown[] {
  return [
    obj.metadata.name,
    ...cols.map((c) => {
      const v = jsonPathValue(obj, c.jsonPath);
      if (v === undefined || v === null) return null;
      if (c.type === 'date' && typeof v === 'string') return age(v);
      return typeof v === 'object' ? JSON.stringify(v) : v;
    }),
  ];
}

export function toTable(
  t: ResourceType,
  objects: KubeObject[],
  includeObject: string | null,
  listMeta: Record<string, unknown>,
): unknown {
  let columns: TableColumn[];
  let cells: (o: KubeObject) => unknown[];
  const printer = t.isCustom ? undefined : corePrinter(t);
  if (printer) {
    columns = [NAME_COLUMN, ...printer.columns];
    cells = (o) => [o.metadata.name, ...printer.cells(o)];
  } else {
    const cols = t.printerColumns?.length
      ? t.printerColumns
      : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
    columns = crdColumns(cols);
    cells = (o) => crdCells(cols, o);
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: objects.map((o) => ({
      cells: cells(o),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
