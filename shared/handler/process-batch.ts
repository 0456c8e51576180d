/**
 * Settle every record of an SQS batch (middy's sqs-partial-batch-failure contract: "throw to fail the record"; one
 * bad record never hides the others). Records about the same ops request run one after another, in order (a queue
 * per object key, as pepr does); different ops requests run concurrently.
 */
import type { SQSRecord } from './lambda-types.ts';

export async function settleBySubject(
  records: SQSRecord[],
  keyOf: (record: SQSRecord) => string,
  processRecord: (record: SQSRecord) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const results = new Array<PromiseSettledResult<void>>(records.length);
  const groups = new Map<string, number[]>();
  records.forEach((record, index) => {
    const key = keyOf(record);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      for (const index of indexes) {
        try {
          await processRecord(records[index] as SQSRecord);
          results[index] = { status: 'fulfilled', value: undefined };
        } catch (reason) {
          results[index] = { status: 'rejected', reason };
        }
      }
    }),
  );
  return results;
}

/** The grouping key: the CloudEvents subject if the body has one, else the message id (an unparsable record). */
export function subjectKey(record: SQSRecord): string {
  try {
    const subject = (JSON.parse(record.body) as { subject?: unknown }).subject;
    return typeof subject === 'string' ? subject : record.messageId;
  } catch {
    return record.messageId;
  }
}
