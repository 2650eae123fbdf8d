import { Testing } from 'cdk8s';
import { Gibibytes, Mebibytes } from '../../../lib';
import { headlessService, volumeClaimTemplate, volumeProblem } from '../../../lib/k8s/stateful-set';
import { byKind, type Manifest } from '../../support/manifests';

describe('headlessService', () => {
  const chart = Testing.chart();
  headlessService(chart, 'Headless', {
    name: 'am-headless',
    labels: { app: 'am', tier: 'x' },
    selector: { app: 'am' },
    ports: [
      { name: 'web', port: 9093 },
      { name: 'cluster-udp', port: 9094, protocol: 'UDP' },
    ],
  });
  const [svc] = byKind(Testing.synth(chart) as Manifest[], 'Service') as any[];

  test('has no cluster IP and publishes pods before they are ready, so that starting peers find each other', () => {
    expect(svc.metadata).toMatchObject({ name: 'am-headless', labels: { app: 'am', tier: 'x' } });
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'am' } });
  });

  test('exposes each port by name, with its protocol', () => {
    expect(svc.spec.ports).toEqual([
      { name: 'web', port: 9093, targetPort: 'web', protocol: 'TCP' },
      { name: 'cluster-udp', port: 9094, targetPort: 'cluster-udp', protocol: 'UDP' },
    ]);
  });
});

describe('volumeClaimTemplate', () => {
  test('one ReadWriteOnce volume of the requested size, on the default StorageClass', () => {
    const claim = volumeClaimTemplate({ name: 'data', labels: { app: 'p' }, storage: Gibibytes.of(50) });
    expect(claim.metadata).toEqual({ name: 'data', labels: { app: 'p' } });
    expect(claim.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec?.resources?.requests?.storage.value).toBe('50Gi');
    expect(claim.spec).not.toHaveProperty('storageClassName');
  });

  test('on the StorageClass named, in binary units', () => {
    const claim = volumeClaimTemplate({
      name: 'data',
      labels: {},
      storage: Mebibytes.of(1536),
      storageClassName: 'fast-ssd',
    });
    expect(claim.spec?.storageClassName).toBe('fast-ssd');
    expect(claim.spec?.resources?.requests?.storage.value).toBe('1536Mi');
  });
});

describe('volumeProblem', () => {
  test('names the field, the value and what is allowed; nothing for a good volume', () => {
    expect(volumeProblem(Gibibytes.of(10))).toBeUndefined();
    expect(volumeProblem(Gibibytes.of(10), 'fast-ssd')).toBeUndefined();
    expect(volumeProblem(Gibibytes.of(-1))).toBe("'storage' must be a positive whole number of bytes, got -1 GiB");
    expect(volumeProblem(Gibibytes.of(10), 'Fast_SSD')).toMatch(/^'storageClassName' 'Fast_SSD' must be lower-case/);
  });
});
