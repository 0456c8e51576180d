/** kubeconfig YAML for this server: CA embedded as certificate-authority-data, bearer-token user. */
import YAML from 'yaml';

export interface KubeconfigOptions {
  token?: string;
  user?: string;
  namespace?: string;
}

export function renderKubeconfig(url: string, caPem: string, token: string, opts: KubeconfigOptions = {}): string {
  const user = opts.user ?? 'admin';
  const cluster = 'local';
  const context = `${user}@${cluster}`;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } },
    ],
    users: [{ name: user, user: { token: opts.token ?? token } }],
    contexts: [{ name: context, context: { cluster, user, ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
  });
}
