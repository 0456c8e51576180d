import * as z from 'zod';
import { InvalidMessageError } from '../errors.ts';
import { stepMessageSchema, type StepMessage } from './step-message.ts';

/** Parse an SQS record body at the edge. Errors name the path of every bad field. */
export function parseStepMessage(body: string): StepMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new InvalidMessageError(`body is not JSON: ${(err as Error).message}`);
  }
  const result = stepMessageSchema.safeParse(json);
  if (!result.success) throw new InvalidMessageError(describeIssues(result.error));
  return result.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
