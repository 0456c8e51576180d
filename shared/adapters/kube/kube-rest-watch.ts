/**
 * A Kubernetes watch over the small REST client (kube-rest-client.ts) instead of client-node's `Watch`, whose fetch
 * transport is undici (~0.7 MB of the forwarder's bundle, and resident memory for as long as the forwarder runs).
 * Same contract as `Watch.watch` (kube-watch-source.ts's WatchStream): one callback per event line, `done` once when
 * the stream ends (`null` for a clean end, else the error; a non-2xx answer is an ApiException whose `code` is the
 * HTTP status, so isGone() sees a 410).
 *
 * The stream is read line by line as it arrives (the API server sends one JSON event per line,
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes): only the current
 * line is held, never the stream. Deliberate differences from client-node's Watch:
 * - a line that is not JSON ends the stream with an error instead of being skipped silently: skipping would lose
 *   that event for good once a later event moves the resourceVersion past it; a re-watch from the last
 *   resourceVersion (what the ListWatch does on an error) gets it again;
 * - a callback that throws ends the stream with that error (client-node's Watch dropped it);
 * - no 30 s no-bytes abort of an open stream: a quiet stream is the ListWatch's `silenceTimeoutMs` to judge, and a
 *   real API server sends a bookmark only about once a minute. The wait for the response is bounded (30 s) as there.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeRestClient, type QueryParams } from './kube-rest-client.ts';
import type { WatchStream } from './kube-watch-source.ts';

type WatchParams = Pick<
  QueryParams,
  'resourceVersion' | 'allowWatchBookmarks' | 'labelSelector' | 'timeoutSeconds' | 'sendInitialEvents'
> & { resourceVersionMatch?: string };

export class RestWatch implements WatchStream {
  readonly #client: KubeRestClient;

  constructor(kc: KubeConfig) {
    this.#client = new KubeRestClient(kc);
  }

  async watch(
    path: string,
    params: WatchParams,
    callback: (type: string, object: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<{ abort(): void }> {
    let ended = false;
    let abort = (): void => {};
    const end = (err: unknown): void => {
      if (ended) return;
      ended = true;
      abort();
      done(err);
    };
    try {
      const open = await this.#client.stream({ path, query: { ...params, watch: true } });
      abort = open.abort;
      readLines(open.response, (line) => {
        if (ended) return;
        const event = parseEvent(line);
        if (event instanceof Error) return end(event);
        // A callback that throws ends this stream with its error (the ListWatch logs it and re-watches) rather than
        // escaping from a stream listener as an uncaught exception; client-node's Watch dropped it silently.
        try {
          callback(event.type, event.object);
        } catch (err) {
          end(err);
        }
      });
      open.response.on('error', end);
      open.response.on('close', () => end(null));
    } catch (err) {
      end(err);
    }
    return {
      abort: () => {
        // The caller ended it: no `done` for a stream it no longer listens to (client-node's Watch does the same
        // through its AbortController, whose abort the ListWatch ignores by session).
        ended = true;
        abort();
      },
    };
  }
}

/** Calls `onLine` for every complete, non-empty line of a utf8 stream; only the unfinished tail is kept. */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let tail = '';
  stream.on('data', (chunk: string) => {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      const line = tail + chunk.slice(start, newline);
      tail = '';
      if (line.trim() !== '') onLine(line);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    tail += chunk.slice(start);
  });
  stream.on('end', () => {
    if (tail.trim() !== '') onLine(tail);
    tail = '';
  });
}

function parseEvent(line: string): { type: string; object: unknown } | Error {
  try {
    const event = JSON.parse(line) as { type?: unknown; object?: unknown };
    if (typeof event.type === 'string') return { type: event.type, object: event.object };
  } catch {
    // reported below, with the line
  }
  return new Error(`watch stream sent a line that is not a watch event: ${line.slice(0, 200)}`);
}
