import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { App } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { examples } from '../../config';
import { OperatorStack } from '../../lib';
import { IMAGES } from '../../lib/k8s/images';
import { exampleDir } from '../support/dist';
import { freePort, waitFor } from '../support/http';
import { type ControlPlane, startControlPlane } from '../support/kube-apiserver';
import { spawnProgram, stillRunning, stopProcess, whichProgram } from '../support/processes';
import { run } from '../support/programs';

/**
 * Operator mode as the real Prometheus Operator (PROMETHEUS_OPERATOR_VERSION, built from its Go
 * module) consumes it, on the real kube-apiserver: dist/operator/ applied beside a Prometheus and an
 * Alertmanager declared as kube-prometheus-stack declares them (selectors, matcher strategy). The
 * operator turns the PrometheusRules, PodMonitors and AlertmanagerConfig into the files the servers
 * read, and the pinned promtool and amtool judge those files: the generated rule tests pass on the
 * operator's rule files, its prometheus.yml carries the stack's relabelling and limits, its
 * alertmanager.yml is valid and routes to the stack's receivers.
 */
jest.setTimeout(240_000);

const NS = 'liquid-audio-nets-monitoring';
const RELEASE = 'kube-prometheus-stack';
const PROMETHEUS = `${RELEASE}-prometheus`;
const ALERTMANAGER = `${RELEASE}-alertmanager`;

/** The Prometheus and Alertmanager objects as the chart renders them, in the chart's namespace. */
function kubePrometheusStackServers(): object[] {
  const release = { matchLabels: { release: RELEASE } };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: PROMETHEUS, namespace: 'monitoring' },
      spec: {
        version: IMAGES.prometheus.tag,
        evaluationInterval: '30s',
        ruleSelector: release,
        ruleNamespaceSelector: {},
        podMonitorSelector: release,
        podMonitorNamespaceSelector: {},
        serviceMonitorSelector: release,
        serviceMonitorNamespaceSelector: {},
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Alertmanager',
      metadata: { name: ALERTMANAGER, namespace: 'monitoring' },
      spec: {
        version: IMAGES.alertmanager.tag,
        alertmanagerConfigSelector: {},
        alertmanagerConfigNamespaceSelector: {},
        alertmanagerConfigMatcherStrategy: { type: 'None' },
      },
    },
  ];
}

/** The receivers' Secrets, as the README has users create them, with made-up values. */
const SECRETS = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'alertmanager-receivers', namespace: NS },
    stringData: {
      'slack-webhook-url': 'https://hooks.slack.example/critical',
      'slack-warnings-webhook-url': 'https://hooks.slack.example/warnings',
      'alert-webhook-url': 'https://pager.example/hook',
      'smtp-password': 'not-a-real-password',
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'alertmanager-dead-mans-switch', namespace: NS },
    stringData: { url: 'https://dms.example/ping' },
  },
];

let plane: ControlPlane;
let operator: ChildProcess;
let operatorLog = '';
const kubectl = (args: readonly string[], input?: string) => plane.kubectl(args, input);
const work = mkdtempSync(join(tmpdir(), 'operator-'));

beforeAll(async () => {
  plane = await startControlPlane();
  const crds = join(dirname(whichProgram('prometheus-operator')), 'crds');
  expect(kubectl(['apply', '--server-side', '-f', crds]).status).toBe(0);
  expect(kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']).status).toBe(0);
  const servers = kubectl(
    ['apply', '--server-side', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: kubePrometheusStackServers() }),
  );
  expect(servers.stderr).toBe('');
  const applied = kubectl(['apply', '--server-side', '--validate=strict', '-f', exampleDir('operator')]);
  expect(applied.stderr).toBe('');
  const secrets = kubectl(
    ['apply', '--server-side', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: SECRETS }),
  );
  expect(secrets.stderr).toBe('');
  operator = spawnProgram(
    'prometheus-operator',
    [`--web.listen-address=127.0.0.1:${await freePort()}`, '--log-level=info', '--log-format=json'],
    { env: { ...process.env, KUBECONFIG: plane.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The operator logs to stdout (internal/log/slog.go at the pinned version); stderr is kept too.
  for (const stream of [operator.stdout, operator.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      operatorLog += chunk.toString('utf8');
    });
  }
});

afterAll(async () => {
  if (operator) await stopProcess(operator);
  await plane?.stop();
  expect(stillRunning()).toEqual([]);
});

/** An object's JSON once the operator has written it. */
async function generated(kind: string, name: string): Promise<{ data: Record<string, string> }> {
  return waitFor(
    `${kind} monitoring/${name}, written by the operator`,
    async () => {
      const result = kubectl(['get', kind, name, '-n', 'monitoring', '-o', 'json']);
      return result.status === 0 ? (JSON.parse(result.stdout) as { data: Record<string, string> }) : undefined;
    },
    120_000,
    500,
  );
}

const gunzipped = (base64: string) => gunzipSync(Buffer.from(base64, 'base64')).toString('utf8');

describe('the real Prometheus Operator consumes dist/operator/', () => {
  const stack = new OperatorStack(new App(), 'liquid-audio-nets', examples.operator);

  test("its rule files pass the stack's generated promtool tests", async () => {
    const rules = await generated('configmap', `prometheus-${PROMETHEUS}-rulefiles-0`);
    const byGroup = new Map<string, string>();
    for (const [file, text] of Object.entries(rules.data)) {
      writeFileSync(join(work, file), text);
      for (const group of (parse(text) as { groups: Array<{ name: string }> }).groups) byGroup.set(group.name, file);
    }
    expect([...byGroup.keys()].sort()).toEqual(stack.ruleGroups.map((g) => g.name).sort());
    for (const group of stack.ruleGroups) {
      const file = byGroup.get(group.name) as string;
      writeFileSync(join(work, `${group.name}.test.yaml`), stringify(group.promtoolTests(file), { lineWidth: 0 }));
      const result = run('promtool', ['test', 'rules', `${group.name}.test.yaml`], work);
      expect([group.name, result.stdout + result.stderr]).toEqual([group.name, expect.stringContaining('SUCCESS')]);
    }
  });

  test("its prometheus.yml scrapes with the stack's relabelling and limits, and promtool accepts it", async () => {
    const secret = await waitFor(
      'a generated prometheus.yml that has the PodMonitors',
      async () => {
        const s = await generated('secret', `prometheus-${PROMETHEUS}`);
        const config = s.data['prometheus.yaml.gz'] ? gunzipped(s.data['prometheus.yaml.gz']) : '';
        return config.includes(`podMonitor/${NS}/liquid-audio-nets-devices/0`) ? config : undefined;
      },
      120_000,
      500,
    );
    writeFileSync(join(work, 'prometheus.yml'), secret);
    const check = run('promtool', ['check', 'config', '--syntax-only', 'prometheus.yml'], work);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const jobs = (parse(secret) as { scrape_configs: Array<Record<string, unknown>> }).scrape_configs;
    const devices = jobs.find((j) => j.job_name === `podMonitor/${NS}/liquid-audio-nets-devices/0`) as Record<
      string,
      unknown
    >;
    expect(devices).toMatchObject({
      sample_limit: 1000,
      label_limit: 20,
      fallback_scrape_protocol: 'PrometheusText0.0.4',
    });
    const relabel = devices.relabel_configs as Array<Record<string, unknown>>;
    expect(relabel).toContainEqual(
      expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'device' }),
    );
    // The stack's `job` comes after the operator's own (`<namespace>/<name>`), so it wins.
    const jobSteps = relabel.filter((r) => r.target_label === 'job').map((r) => r.replacement);
    expect(jobSteps).toEqual([`${NS}/liquid-audio-nets-devices`, 'liquid-audio-nets']);
    const hardware = jobs.find((j) => j.job_name === `podMonitor/${NS}/liquid-audio-nets-hardware-exporter/0`);
    expect(hardware).toMatchObject({
      kubernetes_sd_configs: [expect.objectContaining({ namespaces: { names: ['monitoring'] } })],
    });
  });

  test("its alertmanager.yml is valid for amtool and routes to the stack's receivers, with the Secrets' values", async () => {
    const config = await waitFor(
      'a generated alertmanager.yml with the stack routes',
      async () => {
        const s = await generated('secret', `alertmanager-${ALERTMANAGER}-generated`);
        const text = s.data['alertmanager.yaml.gz'] ? gunzipped(s.data['alertmanager.yaml.gz']) : '';
        return text.includes(`${NS}/liquid-audio-nets/critical`) ? text : undefined;
      },
      120_000,
      500,
    );
    writeFileSync(join(work, 'alertmanager.yml'), config);
    const check = run('amtool', ['check-config', 'alertmanager.yml'], work);
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const parsed = parse(config) as { receivers: Array<{ name: string; slack_configs?: Array<{ api_url: string }> }> };
    const critical = parsed.receivers.find((r) => r.name === `${NS}/liquid-audio-nets/critical`);
    expect(critical?.slack_configs?.[0].api_url).toBe('https://hooks.slack.example/critical');
  });
  test("the operator logged no error about the stack's objects", () => {
    // The log is the one being read: the operator's start-up line is in it.
    expect(operatorLog).toContain('"msg":"Starting Prometheus Operator"');
    const errors = operatorLog.split('\n').filter((line) => /"level":"error"/i.test(line) && line.includes(NS));
    expect(errors).toEqual([]);
  });
});
