/**
 * The reference material (KubeDB's real CRDs and example YAMLs) lives in ../shared beside the checkout. Tests read it
 * to prove compatibility; the product itself never does.
 */
import { resolve } from 'node:path';

export const SHARED_DIR = resolve(import.meta.dirname, '../../shared');
export const KUBEDB_DIR = resolve(SHARED_DIR, 'kubedb');
export const KUBEDB_EXAMPLES = resolve(KUBEDB_DIR, 'examples');
