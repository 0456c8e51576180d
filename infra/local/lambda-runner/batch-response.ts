/**
 * How Lambda reads a function's answer to an SQS batch when the mapping has `ReportBatchItemFailures`
 * (AWS docs, "Handling errors for an SQS event source", "Reporting batch item failures"):
 * - success: a null/empty response, or a null/empty `batchItemFailures` list → every record is deleted;
 * - partial: only the listed `itemIdentifier`s are kept, every other record is deleted;
 * - failure of the whole batch: an invalid response, or an itemIdentifier that is null, empty, not a string, or
 *   not the messageId of a record in the batch → nothing is deleted.
 * Without `ReportBatchItemFailures` the response is ignored and a resolved invocation is a full success.
 */
export type BatchVerdict =
  | { outcome: 'success' }
  | { outcome: 'partial-failure'; failedMessageIds: string[] }
  | { outcome: 'invalid-response'; reason: string };

export function judgeBatchResponse(
  response: unknown,
  messageIds: readonly string[],
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if (!reportBatchItemFailures || response === null || response === undefined || response === '')
    return { outcome: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { outcome: 'invalid-response', reason: `response is not an object: ${JSON.stringify(response)}` };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { outcome: 'success' };
  if (!Array.isArray(failures)) return { outcome: 'invalid-response', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { outcome: 'success' };
  return judgeFailures(failures as unknown[], new Set(messageIds));
}

function judgeFailures(failures: unknown[], known: Set<string>): BatchVerdict {
  const failed = new Set<string>();
  for (const failure of failures) {
    const id =
      typeof failure === 'object' && failure !== null
        ? (failure as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || id === '' || !known.has(id)) {
      return { outcome: 'invalid-response', reason: `invalid itemIdentifier ${JSON.stringify(failure)}` };
    }
    failed.add(id);
  }
  return { outcome: 'partial-failure', failedMessageIds: [...failed] };
}
