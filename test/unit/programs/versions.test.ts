import { spawnSync } from 'node:child_process';
import {
  ETCD_VERSION,
  IMAGES,
  imageVersion,
  KUBERNETES_VERSION,
  PROMETHEUS_OPERATOR_VERSION,
} from '../../../lib/k8s/images';
import { whichProgram } from '../../support/processes';

/**
 * The judges and the pods run the same versions: every program the tests start reports, through
 * its own `--version`, exactly the version lib/k8s/images.ts pins for the image the pods run.
 */
const bare = (v: string) => v.replace(/^v/, '');
const PINS: ReadonlyArray<readonly [string, readonly string[], string, RegExp]> = [
  ['prometheus', ['--version'], imageVersion(IMAGES.prometheus), /^prometheus, version (\S+)/m],
  ['promtool', ['--version'], imageVersion(IMAGES.prometheus), /^promtool, version (\S+)/m],
  ['alertmanager', ['--version'], imageVersion(IMAGES.alertmanager), /^alertmanager, version (\S+)/m],
  ['amtool', ['--version'], imageVersion(IMAGES.alertmanager), /^amtool, version (\S+)/m],
  ['node_exporter', ['--version'], imageVersion(IMAGES.nodeExporter), /^node_exporter, version (\S+)/m],
  ['otelcol', ['--version'], imageVersion(IMAGES.otelCollector), /version (\S+)/m],
  ['etcd', ['--version'], bare(ETCD_VERSION), /^etcd Version: (\S+)/m],
  ['kube-apiserver', ['--version'], bare(KUBERNETES_VERSION), /^Kubernetes v(\S+)/m],
  ['kube-controller-manager', ['--version'], bare(KUBERNETES_VERSION), /^Kubernetes v(\S+)/m],
  ['kubectl', ['version', '--client'], bare(KUBERNETES_VERSION), /^Client Version: v(\S+)/m],
  ['prometheus-operator', ['--version'], bare(PROMETHEUS_OPERATOR_VERSION), /^prometheus-operator, version (\S+)/m],
  [
    'prometheus-config-reloader',
    ['--version'],
    imageVersion(IMAGES.configReloader),
    /^prometheus-config-reloader, version (\S+)/m,
  ],
  ['pushgateway', ['--version'], imageVersion(IMAGES.pushgateway), /^pushgateway, version (\S+)/m],
  ['jaeger', ['--version'], imageVersion(IMAGES.jaeger), /^jaeger version v(\S+)/m],
];

test.each(PINS)('%s reports the pinned version', (program, args, pinned, pattern) => {
  const result = spawnSync(whichProgram(program), args, { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  expect(output.match(pattern)?.[1]).toBe(pinned);
});

test('no program is taken from a system package: each comes from the cache scripts/programs.sh fills', () => {
  for (const [program] of PINS) expect(whichProgram(program)).toMatch(/\/liquid-audio-nets-monitoring\/programs\//);
});
