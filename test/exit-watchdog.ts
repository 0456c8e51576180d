/**
 * Loaded into every test process (`node --test --import`): a test file whose process is still alive a while after
 * its last test and hooks — something it started keeps the event loop busy — is ended with exit code 1 and a list
 * of what is still open, instead of hanging `npm test` (and CI) forever. The timer is unref'd: a process that
 * closes everything exits at once, never waiting for it.
 */
import { after } from 'node:test';

const GRACE_MS = 60_000;

after(() => {
  const file = process.argv[1] ?? 'this test file';
  setTimeout(() => {
    process.stderr.write(
      `${file}: still running ${GRACE_MS / 1000} s after its last test, held open by ${JSON.stringify(process.getActiveResourcesInfo())}; ending it\n`,
    );
    process.exit(1);
  }, GRACE_MS).unref();
});
