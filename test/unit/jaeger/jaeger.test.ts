import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Duration, Gibibytes } from '../../../lib';
import { Jaeger, type JaegerProps } from '../../../lib/jaeger';
import { byKind as distByKind, loadDist } from '../../support/dist';
import { byKind, type Manifest } from '../../support/manifests';
import { run } from '../../support/programs';

function build(overrides: Partial<JaegerProps> = {}) {
  const chart = new Chart(Testing.app(), 'jaeger', { namespace: 'monitoring' });
  const jaeger = new Jaeger(chart, 'Jaeger', { instance: 'test', ...overrides });
  return { jaeger, manifests: Testing.synth(chart) as Manifest[], config: parse(jaeger.configText) };
}

describe('Jaeger', () => {
  const { jaeger, manifests, config } = build();
  const sts: any = byKind(manifests, 'StatefulSet')[0];
  const container = sts.spec.template.spec.containers[0];

  test('one pinned pod with its trace store on a PersistentVolumeClaim, and a PodDisruptionBudget', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(container.image).toBe('docker.io/jaegertracing/jaeger:2.13.0');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/badger' });
    expect(byKind(manifests, 'PodDisruptionBudget')[0].spec).toMatchObject({ maxUnavailable: 1 });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/status', port: 'health' });
  });

  test('badger keeps spans for the typed retention; OTLP gRPC in, the query API on 16686', () => {
    expect(config.extensions.jaeger_storage.backends.local.badger).toEqual({
      directories: { keys: '/badger/keys', values: '/badger/values' },
      ephemeral: false,
      ttl: { spans: '168h' },
    });
    expect(build({ retention: Duration.days(30) }).config.extensions.jaeger_storage.backends.local.badger.ttl).toEqual({
      spans: '720h',
    });
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '${env:POD_IP}:4317' } });
    expect(config.extensions.jaeger_query).toMatchObject({
      storage: { traces: 'local' },
      http: { endpoint: '${env:POD_IP}:16686' },
    });
    expect(jaeger.otlpEndpoint).toBe('jaeger.monitoring.svc:4317');
    expect(jaeger.queryUrl).toBe('http://jaeger.monitoring.svc:16686');
    expect((byKind(manifests, 'Service')[0] as any).spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['otlp-grpc', 4317],
      ['query', 16686],
    ]);
  });

  test('fails when the retention is under an hour or the storage is not a size', () => {
    expect(() => build({ retention: Duration.minutes(30) })).toThrow(
      "jaeger 'jaeger': 'retention' must be at least 1h (whole milliseconds), got 30m",
    );
    expect(() => build({ storage: Gibibytes.of(0) })).toThrow(/^jaeger 'jaeger': 'storage' /);
  });
});

test('jaeger validate, the pinned Jaeger, accepts the configuration dist/ ships, and refuses a typo', () => {
  const shipped = distByKind(loadDist(), 'ConfigMap').find((d) => d.object.metadata?.name === 'jaeger-config')?.object
    .data as Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'jaeger-validate-'));
  try {
    const validate = (text: string) => {
      writeFileSync(join(dir, 'jaeger.yaml'), text);
      return run('jaeger', ['validate', `--config=file:${join(dir, 'jaeger.yaml')}`], dir);
    };
    const ok = validate(shipped['jaeger.yaml']);
    expect(`${ok.stdout}${ok.stderr}`).not.toMatch(/error/i);
    expect(ok.status).toBe(0);
    const bad = validate(shipped['jaeger.yaml'].replace('jaeger_storage_exporter:', 'jaeger_storage_exportr:'));
    expect(bad.status).not.toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
