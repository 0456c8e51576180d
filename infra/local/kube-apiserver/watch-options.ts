/**
 * The WatchList options of a watch (KEP-3157, `WatchList` beta and on by default in kube-apiserver 1.32):
 * SetListOptionsDefaults turns a legacy watch from resourceVersion ""/"0" into `sendInitialEvents=true` +
 * `resourceVersionMatch=NotOlderThan`, then ValidateListOptions (k8s.io/apimachinery
 * pkg/apis/meta/internalversion/validation) refuses the combinations the real server refuses, as a 422 on
 * `ListOptions.meta.k8s.io`. With initial events and bookmarks allowed, the cacher ends the initial ADDED events with
 * a BOOKMARK annotated `k8s.io/initial-events-end: "true"` (isListWatchRequest in storage/cacher/cacher.go).
 */
import { invalid } from './errors.ts';
import { boolParam } from './http-util.ts';
import type { ResourceType, ValidationCause } from './types.ts';

const NOT_OLDER_THAN = 'NotOlderThan';
const EXACT = 'Exact';

export interface WatchListOptions {
  /** Whether the current state is sent as ADDED events first. */
  sendInitialEvents: boolean;
  /** Whether those initial events end with the `k8s.io/initial-events-end` BOOKMARK. */
  initialEventsEndBookmark: boolean;
}

const LIST_OPTIONS = { kind: 'ListOptions', group: 'meta.k8s.io' } as ResourceType;

function forbidden(message: string): ValidationCause {
  return { field: 'resourceVersionMatch', message: `Forbidden: ${message}`, reason: 'FieldValueForbidden' };
}

function notSupported(value: string, supported: string[]): ValidationCause {
  return {
    field: 'resourceVersionMatch',
    message: `Unsupported value: "${value}": supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
    reason: 'FieldValueNotSupported',
  };
}

/** validateWatchOptions, after SetListOptionsDefaults. */
function watchCauses(sendInitialEvents: boolean | undefined, match: string, q: URLSearchParams): ValidationCause[] {
  const causes: ValidationCause[] = [];
  if (sendInitialEvents !== undefined && match !== NOT_OLDER_THAN)
    causes.push(forbidden(`sendInitialEvents requires setting resourceVersionMatch to ${NOT_OLDER_THAN}`));
  if (match) {
    if (sendInitialEvents === undefined)
      causes.push(forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== NOT_OLDER_THAN) causes.push(notSupported(match, [NOT_OLDER_THAN]));
    if (q.get('continue')) causes.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
  }
  return causes;
}

/** The watch's WatchList options, or a 422 for a combination the real server refuses. */
export function watchListOptions(q: URLSearchParams, resourceVersion: string): WatchListOptions {
  let sendInitialEvents = q.has('sendInitialEvents') ? boolParam(q.get('sendInitialEvents')) : undefined;
  let match = q.get('resourceVersionMatch') ?? '';
  if (sendInitialEvents === undefined && !match && (resourceVersion === '' || resourceVersion === '0')) {
    sendInitialEvents = true;
    match = NOT_OLDER_THAN;
  }
  const causes = watchCauses(sendInitialEvents, match, q);
  if (causes.length > 0) throw invalid(LIST_OPTIONS, '', causes);
  const initial = sendInitialEvents === true;
  return { sendInitialEvents: initial, initialEventsEndBookmark: initial && boolParam(q.get('allowWatchBookmarks')) };
}

/** The list half of ValidateListOptions: `sendInitialEvents` belongs to watches only; `resourceVersionMatch` rules. */
export function validateListOptions(q: URLSearchParams): void {
  const causes: ValidationCause[] = [];
  const match = q.get('resourceVersionMatch') ?? '';
  const rv = q.get('resourceVersion') ?? '';
  if (match) {
    if (!rv) causes.push(forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (q.get('continue')) causes.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
    if (match !== EXACT && match !== NOT_OLDER_THAN) causes.push(notSupported(match, [EXACT, NOT_OLDER_THAN, '']));
    if (match === EXACT && rv === '0')
      causes.push(forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (q.has('sendInitialEvents'))
    causes.push({
      field: 'sendInitialEvents',
      message: 'Forbidden: sendInitialEvents is forbidden for list',
      reason: 'FieldValueForbidden',
    });
  if (causes.length > 0) throw invalid(LIST_OPTIONS, '', causes);
}
