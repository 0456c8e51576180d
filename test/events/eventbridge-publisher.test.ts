/**
 * EventBridgePublisher through the real SDK against a loopback stand-in for the EventBridge API (awsJson1_1, the
 * protocol the SDK speaks): what goes on the wire, and how each kind of failure is named. fauxqs has no EventBridge.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher, EventRejectedError } from '../../shared/adapters/events/index.ts';
import { UnavailableError } from '../../shared/errors.ts';
import { LOCAL_CREDENTIALS } from '../../infra/local/sqs/index.ts';
import { transition } from './helpers.ts';

interface Seen {
  target: string | undefined;
  body: { Entries: { EventBusName: string; Source: string; DetailType: string; Detail: string; Time: number }[] };
}
type Reply = { status: number; body: unknown };

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

void describe('EventBridgePublisher', () => {
  let server: Server;
  let client: EventBridgeClient;
  const seen: Seen[] = [];
  let reply: Reply;

  before(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((text) => {
        seen.push({
          target: req.headers['x-amz-target'] as string | undefined,
          body: JSON.parse(text) as Seen['body'],
        });
        res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // One attempt: each answer below is what the SDK sees, not what its retries would make of it.
    client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  });
  beforeEach(() => {
    seen.length = 0;
    reply = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };
  });

  void it('sends one PutEvents entry: Source = source, DetailType = type, Detail = the whole CloudEvent', async () => {
    const event = transition({ type: 'Successful', phase: 'Successful' });
    await new EventBridgePublisher(client, 'ops-events').publish(event);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.target, 'AWSEvents.PutEvents');
    const [entry] = seen[0]!.body.Entries;
    assert.equal(entry!.EventBusName, 'ops-events');
    assert.equal(entry!.Source, 'urn:redis-reconfigure:function:halt');
    assert.equal(entry!.DetailType, 'io.redis-reconfigure.opsrequest.outcome.v1');
    assert.deepEqual(JSON.parse(entry!.Detail), event);
    assert.equal(entry!.Time * 1000, Date.parse(event.time));
  });

  void it('names a failed entry: throttling/internal → UnavailableError, anything else → EventRejectedError', async () => {
    const publisher = new EventBridgePublisher(client, 'ops-events');
    reply = {
      status: 200,
      body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] },
    };
    await assert.rejects(
      publisher.publish(transition()),
      (err: Error) => err instanceof UnavailableError && /slow down/.test(err.message),
    );
    reply = {
      status: 200,
      body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] },
    };
    await assert.rejects(publisher.publish(transition()), UnavailableError);
    reply = {
      status: 200,
      body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' }] },
    };
    await assert.rejects(
      publisher.publish(transition()),
      (err: Error) => err instanceof EventRejectedError && /MalformedDetail/.test(err.message),
    );
  });

  void it('names a failed call: 4xx → EventRejectedError, throttling and 5xx → UnavailableError', async () => {
    const publisher = new EventBridgePublisher(client, 'ops-events');
    reply = { status: 400, body: { __type: 'AccessDeniedException', message: 'not allowed' } };
    await assert.rejects(
      publisher.publish(transition()),
      (err: Error) => err instanceof EventRejectedError && /AccessDeniedException/.test(err.message),
    );
    reply = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    await assert.rejects(publisher.publish(transition()), UnavailableError);
    reply = { status: 500, body: { __type: 'InternalException', message: 'down' } };
    await assert.rejects(publisher.publish(transition()), UnavailableError);
  });
});
