/**
 * Directive-level merge of config layers (defaults < configSecret < inline/applyConfig; KubeDB's precedence, from
 * apimachinery apis/ops/v1alpha1/type.go). Later layers win per KEY; keys are chosen so that multi-valued directives behave the way a user expects
 * and the way redis-server would read the merged file. Rules and reasons: docs/config-semantics.md.
 */
import { lookupAnyFlag } from './flags.ts';
import type { ConfigDirective } from './parse.ts';
import { engineArgs } from './value-check.ts';

/** `replica` and `slave` name the same client class (networking.c getClientTypeByName). */
export function obufClassKey(cls: string): string {
  const c = cls.toLowerCase();
  return c === 'slave' ? 'replica' : c;
}

/** The identity of a directive for merging and diffing. */
export function directiveKey(d: ConfigDirective): string {
  switch (d.name) {
    case 'rename-command':
      return `rename-command ${(d.args[0] ?? '').toLowerCase()}`;
    case 'client-output-buffer-limit':
      return `client-output-buffer-limit ${obufClassKey(d.args[0] ?? '')}`;
    case 'user':
      return `user ${d.args[0] ?? ''}`;
    case 'include':
    case 'loadmodule':
      return `${d.name} ${d.args.join(' ')}`;
    default:
      return d.name;
  }
}

/**
 * One directive per client class: `client-output-buffer-limit normal 0 0 0 pubsub 32mb 8mb 60` is two settings. The
 * quoted single-argument form of a multi-argument directive (`save "900 1"`) is first split as redis-server 7+ does.
 */
function explode(raw: ConfigDirective): ConfigDirective[] {
  const args = engineArgs(lookupAnyFlag(raw.name), raw.args);
  const d = args === raw.args ? raw : { ...raw, args };
  if (d.name !== 'client-output-buffer-limit' || d.args.length <= 4) return [d];
  const out: ConfigDirective[] = [];
  for (let i = 0; i < d.args.length; i += 4) out.push({ ...d, args: d.args.slice(i, i + 4) });
  return out;
}

/**
 * A layer's save lines as redis-server reads them from one file: the first `save` line drops the built-in defaults,
 * later lines append pairs, and `save ""` only disables snapshots when it is the layer's only save setting.
 * Normalised to one `save <seconds> <changes>` line per pair, or a single `save ""`.
 */
function normaliseSaveLayer(lines: ConfigDirective[]): ConfigDirective[] {
  const pairs: ConfigDirective[] = [];
  for (const d of lines) {
    if (d.args.length === 1 && d.args[0] === '') continue;
    for (let i = 0; i + 1 < d.args.length; i += 2) pairs.push({ ...d, args: [d.args[i] ?? '', d.args[i + 1] ?? ''] });
  }
  const last = lines[lines.length - 1];
  if (pairs.length > 0 || !last) return pairs;
  return [{ ...last, args: [''] }];
}

/**
 * Merges layers, later layers winning per key. Output order: first appearance of each key across the layers, so
 * the result is deterministic and an override does not move a directive.
 */
export function mergeConfigs(...layers: ConfigDirective[][]): ConfigDirective[] {
  const order: string[] = [];
  const winners = new Map<string, ConfigDirective[]>();
  const claim = (key: string, ds: ConfigDirective[]): void => {
    if (!winners.has(key)) order.push(key);
    winners.set(key, ds);
  };
  for (const layer of layers) {
    const exploded = layer.flatMap(explode);
    const saves = exploded.filter((d) => d.name === 'save');
    // Whole-set replacement: a later layer's save lines replace every earlier save line.
    if (saves.length > 0) claim('save', normaliseSaveLayer(saves));
    for (const d of exploded) if (d.name !== 'save') claim(directiveKey(d), [d]);
  }
  return order.flatMap((k) => winners.get(k) ?? []);
}

export interface KeyedSetting {
  name: string;
  args: string[];
}

/** Key → setting of a merged config; all save lines fold into one `save` entry (args = all pairs, or [""]). */
export function keyedSettings(merged: ConfigDirective[]): Map<string, KeyedSetting> {
  const view = new Map<string, KeyedSetting>();
  for (const d of merged.flatMap(explode)) {
    const key = directiveKey(d);
    const prev = view.get(key);
    if (d.name === 'save' && prev) {
      const prevPairs = prev.args.length === 1 && prev.args[0] === '' ? [] : prev.args;
      const pairs = d.args.length === 1 && d.args[0] === '' ? [] : d.args;
      const all = [...prevPairs, ...pairs];
      view.set(key, { name: 'save', args: all.length > 0 ? all : [''] });
    } else {
      view.set(key, { name: d.name, args: [...d.args] });
    }
  }
  return view;
}
