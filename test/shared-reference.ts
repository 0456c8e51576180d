/**
 * KubeDB's real CRDs and documented example YAMLs, vendored as test fixtures (see test/fixtures/kubedb/README.md) so
 * that a clean checkout tests itself without the team's reference folder. Tests read them to prove compatibility; the
 * product itself never does.
 */
import { resolve } from 'node:path';

export const KUBEDB_DIR = resolve(import.meta.dirname, 'fixtures/kubedb');
export const KUBEDB_EXAMPLES = resolve(KUBEDB_DIR, 'examples');
