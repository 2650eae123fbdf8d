import { Chart, Testing } from 'cdk8s';
import { Duration } from '../../../lib';
import { Pushgateway, type PushgatewayProps } from '../../../lib/pushgateway';
import { byKind, type Manifest } from '../../support/manifests';

function build(overrides: Partial<PushgatewayProps> = {}) {
  const chart = new Chart(Testing.app(), 'pushgateway', { namespace: 'monitoring' });
  const pushgateway = new Pushgateway(chart, 'Pushgateway', { instance: 'test', ...overrides });
  return { pushgateway, manifests: Testing.synth(chart) as Manifest[] };
}

describe('Pushgateway', () => {
  const { pushgateway, manifests } = build();
  const sts: any = byKind(manifests, 'StatefulSet')[0];
  const container = sts.spec.template.spec.containers[0];

  test('one pinned, hardened pod persisting its groups on a PersistentVolumeClaim', () => {
    expect(container.image).toBe('quay.io/prometheus/pushgateway:v1.11.1');
    expect(container.args).toEqual([
      '--web.listen-address=:9091',
      '--persistence.file=/pushgateway/metrics.db',
      '--persistence.interval=1m',
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'data', mountPath: '/pushgateway' }]);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(container.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(byKind(manifests, 'PodDisruptionBudget')).toHaveLength(1);
    expect(pushgateway.url).toBe('http://pushgateway.monitoring.svc:9091');
  });

  test('fails when the persistence interval is under a second', () => {
    expect(() => build({ persistenceInterval: Duration.millis(200) })).toThrow(
      "pushgateway 'pushgateway': 'persistenceInterval' must be at least 1s (whole milliseconds), got 200ms",
    );
  });
});
