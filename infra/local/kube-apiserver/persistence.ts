/**
 * Persistence of objects to `<stateDir>/objects.json`: a full snapshot written asynchronously at most every
 * `debounceMs` after a change (tmp file + rename, so a crash never leaves a torn file), plus a final flush on stop.
 * Writes never wait for the disk; a crash loses at most the last debounce window. Watch history is not persisted:
 * after a restart every resume from an older resourceVersion gets 410 Gone, as after etcd compaction.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';

interface Snapshot {
  rv: number;
  objects: { storageKey: string; obj: KubeObject }[];
}

export async function loadSnapshot(stateDir: string, store: ObjectStore): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(stateDir, 'objects.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const snap = JSON.parse(text) as Snapshot;
  store.load(snap.rv, snap.objects);
}

export class SnapshotWriter {
  private readonly stateDir: string;
  private readonly store: ObjectStore;
  private readonly debounceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly onError: (err: unknown, what: string) => void;
  private dirty = false;

  constructor(stateDir: string, store: ObjectStore, onError: (err: unknown, what: string) => void, debounceMs = 200) {
    this.stateDir = stateDir;
    this.store = store;
    this.onError = onError;
    this.debounceMs = debounceMs;
    store.onEvent(() => this.schedule());
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing
        .then(() => this.write())
        .catch((err: unknown) => this.onError(err, 'writing snapshot'));
    }, this.debounceMs);
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const text = JSON.stringify(this.store.snapshot());
    await mkdir(this.stateDir, { recursive: true });
    const tmp = join(this.stateDir, 'objects.json.tmp');
    await writeFile(tmp, text);
    await rename(tmp, join(this.stateDir, 'objects.json'));
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.write();
  }
}
