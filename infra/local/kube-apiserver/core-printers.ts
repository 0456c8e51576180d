/** Default `kubectl get` columns of the built-in kinds served here (priority 1 = only with -o wide). */
import { age } from './table.ts';
import type { KubeObject, ResourceType } from './types.ts';

interface Printer {
  columns: { name: string; type: string; format: string; description: string; priority: number }[];
  cells(o: KubeObject): unknown[];
}

type Obj = Record<string, unknown>;
const col = (name: string, type = 'string', priority = 0) => ({ name, type, format: '', description: name, priority });

/** kubectl's pod STATUS: Terminating once deleted, else the last container waiting/terminated reason, else the pod's reason or phase. */
function podReason(o: KubeObject, status: Obj, statuses: Obj[]): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  let reason = (status.reason as string | undefined) ?? (status.phase as string | undefined) ?? 'Unknown';
  for (const s of statuses) {
    const state = (s.state ?? {}) as { waiting?: { reason?: string }; terminated?: { reason?: string } };
    if (state.waiting?.reason) reason = state.waiting.reason;
    else if (state.terminated?.reason) reason = state.terminated.reason;
  }
  return reason;
}

function podCells(o: KubeObject): unknown[] {
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const containers = (spec.containers as Obj[] | undefined) ?? [];
  const statuses = (status.containerStatuses as Obj[] | undefined) ?? [];
  const ready = statuses.filter((s) => s.ready === true).length;
  const restarts = statuses.reduce((n, s) => n + (Number(s.restartCount) || 0), 0);
  const reason = podReason(o, status, statuses);
  return [
    `${ready}/${containers.length}`,
    reason,
    restarts,
    age(o.metadata.creationTimestamp),
    status.podIP ?? '<none>',
    spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function servicePorts(spec: Obj): string {
  const ports = (spec.ports as Obj[] | undefined) ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map(
      (p) =>
        `${p.port as number}${p.nodePort ? `:${p.nodePort as number}` : ''}/${(p.protocol as string | undefined) ?? 'TCP'}`,
    )
    .join(',');
}

/** RoleBinding/ClusterRoleBinding: ROLE, AGE, and with -o wide USERS, GROUPS, SERVICEACCOUNTS. */
const bindingPrinter: Printer = {
  columns: [
    col('Role'),
    col('Age'),
    col('Users', 'string', 1),
    col('Groups', 'string', 1),
    col('ServiceAccounts', 'string', 1),
  ],
  cells: (o) => {
    const ref = (o.roleRef ?? {}) as Obj;
    const subjects = (o.subjects as Obj[] | undefined) ?? [];
    const of = (kind: string) =>
      subjects
        .filter((s) => s.kind === kind)
        .map((s) =>
          kind === 'ServiceAccount'
            ? `${(s.namespace as string | undefined) ?? ''}/${s.name as string}`
            : (s.name as string),
        )
        .join(', ');
    return [
      `${ref.kind as string}/${ref.name as string}`,
      age(o.metadata.creationTimestamp),
      of('User'),
      of('Group'),
      of('ServiceAccount'),
    ];
  },
};

const rolePrinter: Printer = { columns: [col('Created At', 'date')], cells: (o) => [o.metadata.creationTimestamp] };

const PRINTERS: Record<string, Printer> = {
  'rbac.authorization.k8s.io/Role': rolePrinter,
  'rbac.authorization.k8s.io/ClusterRole': rolePrinter,
  'rbac.authorization.k8s.io/RoleBinding': bindingPrinter,
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingPrinter,
  '/Pod': {
    columns: [
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells: podCells,
  },
  '/Namespace': {
    columns: [col('Status'), col('Age')],
    cells: (o) => [((o.status ?? {}) as Obj).phase ?? 'Active', age(o.metadata.creationTimestamp)],
  },
  '/Secret': {
    columns: [col('Type'), col('Data', 'string'), col('Age')],
    cells: (o) => [
      o.type ?? 'Opaque',
      Object.keys((o.data as Obj | undefined) ?? {}).length,
      age(o.metadata.creationTimestamp),
    ],
  },
  '/ConfigMap': {
    columns: [col('Data', 'string'), col('Age')],
    cells: (o) => [
      Object.keys((o.data as Obj | undefined) ?? {}).length +
        Object.keys((o.binaryData as Obj | undefined) ?? {}).length,
      age(o.metadata.creationTimestamp),
    ],
  },
  '/Service': {
    columns: [
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 'string', 1),
    ],
    cells: (o) => {
      const spec = (o.spec ?? {}) as Obj;
      const selector = Object.entries((spec.selector as Record<string, string> | undefined) ?? {}).map(
        ([k, v]) => `${k}=${v}`,
      );
      return [
        spec.type ?? 'ClusterIP',
        spec.clusterIP ?? '<none>',
        '<none>',
        servicePorts(spec),
        age(o.metadata.creationTimestamp),
        selector.join(',') || '<none>',
      ];
    },
  },
  '/ServiceAccount': {
    columns: [col('Secrets', 'string'), col('Age')],
    cells: (o) => [((o.secrets as unknown[] | undefined) ?? []).length, age(o.metadata.creationTimestamp)],
  },
  'coordination.k8s.io/Lease': {
    columns: [col('Holder'), col('Age')],
    cells: (o) => [((o.spec ?? {}) as Obj).holderIdentity ?? '', age(o.metadata.creationTimestamp)],
  },
};

export function corePrinter(t: ResourceType): Printer | undefined {
  return PRINTERS[`${t.group}/${t.kind}`];
}
