/**
 * What a real kube-apiserver 1.32 adds to a pod it stores:
 * - scheme defaults (k8s.io/kubernetes pkg/apis/core/v1/defaults.go), applied to every write: per container
 *   imagePullPolicy (Always for `:latest` or no tag, else IfNotPresent), terminationMessagePath/Policy, ports'
 *   protocol, probe timeouts/periods/thresholds, httpGet path/scheme, fieldRef apiVersion, resources `{}`; per pod
 *   restartPolicy, dnsPolicy, schedulerName, securityContext `{}`, terminationGracePeriodSeconds, enableServiceLinks;
 *   volume defaultModes (0644 = 420);
 * - admission on create: Priority (priority 0 and preemptionPolicy PreemptLowerPriority without a priority class),
 *   DefaultTolerationSeconds (NoExecute tolerations of not-ready/unreachable for 300 s), ServiceAccount
 *   (serviceAccountName `default`, and unless automountServiceAccountToken is false on the pod or its ServiceAccount,
 *   the projected `kube-api-access-xxxxx` volume mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in
 *   every container); the deprecated `serviceAccount` mirrors serviceAccountName on output.
 */
import { generateName } from './object-rules.ts';
import type { KubeObject } from './types.ts';

type Obj = Record<string, unknown>;

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_MODE = 420; // 0644

/** parsers.ParseImageName: no tag and no digest means `latest`. */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : 'latest';
}

function probeDefaults(probe: unknown): void {
  if (!probe || typeof probe !== 'object') return;
  const p = probe as Obj;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  const http = p.httpGet as Obj | undefined;
  if (http) {
    http.path ||= '/';
    http.scheme ||= 'HTTP';
  }
}

function containerDefaults(c: Obj): void {
  if (typeof c.image === 'string' && c.imagePullPolicy === undefined)
    c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  const resources = (c.resources ??= {}) as { requests?: Obj; limits?: Obj };
  // SetDefaults_Pod: a limit without a request requests the limit.
  if (resources.limits) resources.requests = { ...resources.limits, ...resources.requests };
  for (const port of (c.ports as Obj[] | undefined) ?? []) port.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) probeDefaults(probe);
  envDefaults(c);
}

function envDefaults(c: Obj): void {
  for (const env of (c.env as Obj[] | undefined) ?? []) {
    const fieldRef = (env.valueFrom as Obj | undefined)?.fieldRef as Obj | undefined;
    if (fieldRef) fieldRef.apiVersion ??= 'v1';
  }
}

function volumeDefaults(v: Obj): void {
  for (const key of ['secret', 'configMap', 'projected', 'downwardAPI'] as const) {
    const source = v[key] as Obj | undefined;
    if (source) source.defaultMode ??= DEFAULT_MODE;
  }
  const hostPath = v.hostPath as Obj | undefined;
  if (hostPath) hostPath.type ??= '';
}

function containersOf(spec: Obj): Obj[] {
  return [...((spec.initContainers as Obj[] | undefined) ?? []), ...((spec.containers as Obj[] | undefined) ?? [])];
}

/** SetDefaults_Pod / SetDefaults_PodSpec and the nested defaulters (every write: defaulting runs on decode). */
export function podSchemeDefaults(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const c of containersOf(spec)) containerDefaults(c);
  for (const v of (spec.volumes as Obj[] | undefined) ?? []) volumeDefaults(v);
  if (spec.serviceAccountName === undefined && typeof spec.serviceAccount === 'string')
    spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName !== undefined) spec.serviceAccount = spec.serviceAccountName;
}

const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** plugin/pkg/admission/defaulttolerationseconds: only when the pod does not already tolerate the taint. */
function defaultTolerations(spec: Obj): void {
  const tolerations = ((spec.tolerations as Obj[] | undefined) ?? []).slice();
  for (const key of DEFAULT_TOLERATIONS) {
    const tolerated = tolerations.some(
      (t) =>
        (t.effect === 'NoExecute' || t.effect === undefined || t.effect === '') &&
        (t.key === key || (t.key === undefined && t.operator === 'Exists')),
    );
    if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: DEFAULT_MODE,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

/** plugin/pkg/admission/serviceaccount: default account, and the token volume unless automount is off. */
function serviceAccountAdmission(spec: Obj, serviceAccount: KubeObject | undefined): void {
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const automount = spec.automountServiceAccountToken ?? serviceAccount?.automountServiceAccountToken ?? true;
  if (automount === false) return;
  const containers = containersOf(spec);
  const needsMount = (c: Obj) =>
    !((c.volumeMounts as Obj[] | undefined) ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH);
  if (!containers.some(needsMount)) return;
  const volumes = (spec.volumes as Obj[] | undefined) ?? [];
  const name = generateName('kube-api-access-');
  spec.volumes = [...volumes, tokenVolume(name)];
  for (const c of containers.filter(needsMount)) {
    c.volumeMounts = [
      ...((c.volumeMounts as Obj[] | undefined) ?? []),
      { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH },
    ];
  }
}

/** The admission plugins a real cluster runs on pod create (Priority, DefaultTolerationSeconds, ServiceAccount). */
export function podCreateAdmission(spec: Obj, serviceAccount: KubeObject | undefined): void {
  if (spec.priorityClassName === undefined) {
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  }
  defaultTolerations(spec);
  serviceAccountAdmission(spec, serviceAccount);
}

type Resources = { requests?: Obj; limits?: Obj };

/** pkg/apis/core/helper/qos: Guaranteed when every container limits cpu and memory at its requests. */
export function qosClass(spec: Obj): string {
  const containers = containersOf(spec);
  const res = containers.map((c) => (c.resources ?? {}) as Resources);
  const any = res.some((r) => Object.keys(r.requests ?? {}).length > 0 || Object.keys(r.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = res.every((r) =>
    ['cpu', 'memory'].every((k) => {
      const limit = r.limits?.[k];
      const request = r.requests?.[k] ?? limit;
      return limit !== undefined && JSON.stringify(request) === JSON.stringify(limit);
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
