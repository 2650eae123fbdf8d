import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { config } from '../../config';
import { MonitoringStack } from '../../lib';

/**
 * The stack with every option of the lock-down on (authentication and TLS for Prometheus and
 * Alertmanager, TLS for Grafana, restricted egress), synthesized into a fresh folder.
 */
export function synthSecuredStack(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'secured-'));
  const app = new App({ outdir });
  const auth = (c: string) => ({
    username: c,
    password: { secretName: `${c}-web`, key: 'password' },
    passwordHash: { secretName: `${c}-web`, key: 'hash' },
  });
  new MonitoringStack(app, 'stack', {
    ...config,
    security: {
      prometheus: { basicAuth: auth('prometheus'), tlsSecretName: 'prometheus-tls' },
      alertmanager: { basicAuth: auth('alertmanager'), tlsSecretName: 'alertmanager-tls' },
      grafanaTlsSecretName: 'grafana-tls',
    },
    networkPolicies: { restrictEgress: true },
  });
  app.synth();
  return outdir;
}
