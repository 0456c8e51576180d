import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MisconfigurationError as ConfigError } from '../../shared/errors.ts';
import { configFromEnv } from './config.ts';

const sources = { podNamespace: () => undefined, defaultIdentity: () => 'host-1' };
const base = {
  CLUSTER_ID: 'eu-1',
  HALT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/halt',
  RECOVER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/recover',
};

describe('configFromEnv', () => {
  it('applies the documented defaults', () => {
    const c = configFromEnv(base, sources);
    assert.deepEqual(
      { ...c },
      {
        clusterId: 'eu-1',
        haltQueueUrl: base.HALT_QUEUE_URL,
        recoverQueueUrl: base.RECOVER_QUEUE_URL,
        restartPodQueueUrl: undefined,
        wakeUps: true,
        kubeconfigPath: undefined,
        watchNamespaces: [],
        resyncSeconds: 60,
        healthHost: '127.0.0.1',
        healthPort: 8080,
        leaderElection: true,
        leaseNamespace: 'default',
        leaseName: 'redis-reconfigure-forwarder',
        identity: 'host-1',
        leaseDurationSeconds: 15,
        leaseRenewSeconds: 5,
        watchSilenceSeconds: 60,
        drainTimeoutSeconds: 10,
        logLevel: 'info',
      },
    );
  });

  it('parses lists, numbers and booleans; the Pod namespace is the Lease default', () => {
    const c = configFromEnv(
      {
        ...base,
        WATCH_NAMESPACES: ' demo, prod ,',
        RESYNC_SECONDS: '30',
        HEALTH_PORT: '0',
        LEADER_ELECTION: 'false',
        POD_NAME: 'fwd-0',
        KUBECONFIG: '/k',
      },
      { ...sources, podNamespace: () => 'kubedb' },
    );
    assert.deepEqual(c.watchNamespaces, ['demo', 'prod']);
    assert.equal(c.resyncSeconds, 30);
    assert.equal(c.healthPort, 0);
    assert.equal(c.leaderElection, false);
    assert.equal(c.identity, 'fwd-0');
    assert.equal(c.leaseNamespace, 'kubedb');
    assert.equal(c.kubeconfigPath, '/k');
  });

  it('names every bad variable', () => {
    assert.throws(
      () =>
        configFromEnv(
          { CLUSTER_ID: 'bad id', HALT_QUEUE_URL: 'nope', LEADER_ELECTION: 'yes', WATCH_NAMESPACES: 'Demo' },
          sources,
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['CLUSTER_ID', 'HALT_QUEUE_URL', 'LEADER_ELECTION', 'WATCH_NAMESPACES'].every((v) => err.message.includes(v)),
    );
    assert.throws(() => configFromEnv({ HALT_QUEUE_URL: base.HALT_QUEUE_URL }, sources), /CLUSTER_ID/);
    assert.throws(
      () => configFromEnv({ ...base, LEASE_DURATION_SECONDS: '3', LEASE_RENEW_SECONDS: '2.5' }, sources),
      /LEASE_RENEW_SECONDS/,
    );
  });
});
