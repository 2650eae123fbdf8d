import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * A user's mistake, made where a user makes it (alerts/thresholds.ts, config.ts), ends the real
 * command with one line naming the object, the field and the value: exit code 1, no stack trace,
 * no bundle source, dist/ untouched. Each case edits a copy of the project and runs its synth.
 */

const ROOT = resolve(__dirname, '../..');
const COPIED = ['lib', 'alerts', 'dashboards', 'scripts', 'dist', 'config.ts', 'main.ts', 'package.json'];
const COPIED_TOO = ['tsconfig.json', 'tsconfig.app.json', 'cdk8s.yaml'];

/** A replacement in a file of the project, or (with `content`) a file a user adds. */
type Edit =
  | { readonly file: string; readonly from: RegExp; readonly to: string }
  | { readonly file: string; readonly content: string };

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly distBefore: string;
  readonly distAfter: string;
}

/** A hash of every file under `dir` (the examples' folders included) and its path. */
function distHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else hash.update(`${prefix}${e.name}`).update(readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return hash.digest('hex');
}

/** A copy of the project with `edits` applied; node_modules is shared through a symlink. */
function projectWith(edits: readonly Edit[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
  for (const entry of [...COPIED, ...COPIED_TOO]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const edit of edits) {
    const path = join(dir, edit.file);
    if ('content' in edit) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, edit.content);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    if (!edit.from.test(text)) throw new Error(`${edit.file}: ${edit.from} not found; the case needs updating`);
    writeFileSync(path, text.replace(edit.from, edit.to));
  }
  return dir;
}

function runIn(dir: string, command: string, args: readonly string[]): Promise<Outcome> {
  const distBefore = distHash(join(dir, 'dist'));
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  delete env.DEBUG;
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (status) => {
      const distAfter = distHash(join(dir, 'dist'));
      rmSync(dir, { recursive: true, force: true });
      done({ status, stdout, stderr, distBefore, distAfter });
    });
  });
}

/** The custom-alert example of the README, with `props` changed, as a group added in config.ts. */
function customAlert(props: string): Edit[] {
  return [
    {
      file: 'config.ts',
      from: /export const config: StackConfig = stackConfig\(\);/,
      to: `import { AlertRule as CustomRule, AlertText as CustomText } from './lib';
const readme = {
  name: 'BatteryLowCustom',
  expr: 'battery_level_percent < 10',
  for: Duration.minutes(5),
  severity: 'warning',
  summary: CustomText.template('Battery low on {{ $labels.device }}'),
  description: CustomText.template('Battery at {{ $value }}%'),
} as const;
const custom = new CustomRule({ ...readme, ${props} });
const base = stackConfig();
export const config: StackConfig = { ...base, alertGroups: [...base.alertGroups, { name: 'team-audio', rules: [custom] }] };`,
    },
  ];
}

function stackOption(option: string): Edit[] {
  return [
    {
      file: 'config.ts',
      from: /export const config: StackConfig = stackConfig\(\);/,
      to: `export const config: StackConfig = { ...stackConfig(), ${option} };`,
    },
  ];
}

const threshold = (from: RegExp, to: string): Edit[] => [{ file: 'alerts/thresholds.ts', from, to }];

/** A rule file a team adds to alerts/rules/, in Prometheus' format, with one alert of `expr`. */
function ruleFile(alert: string, expr: string): Edit[] {
  const content = `groups:
  - name: team
    rules:
      - alert: ${alert}
        expr: ${expr}
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "Battery low on {{ $labels.device }}"
          description: "Battery at {{ $value }}%"
`;
  return [{ file: 'alerts/rules/team.yml', content }];
}

const EXPORTED_DASHBOARD = 'dashboards/json/edge-cpu.json';

const CASES: ReadonlyArray<readonly [string, readonly Edit[], RegExp]> = [
  [
    'a negative threshold',
    threshold(/Hertz\.of\(16_000\)/, 'Hertz.of(-16_000)'),
    /^alert 'LowThroughput': 'threshold' must be .*non-negative.*, got -16000 Hz$/,
  ],
  [
    'a NaN threshold',
    threshold(/Milliseconds\.of\(25\)/, 'Milliseconds.of(Number.NaN)'),
    /^alert 'HighInferenceLatency': 'threshold' must be a finite.*, got NaN ms$/,
  ],
  [
    'an infinite threshold',
    threshold(/Milliwatts\.of\(3\)/, 'Milliwatts.of(Number.POSITIVE_INFINITY)'),
    /^alert 'HighPowerConsumption': 'threshold' must be a finite.*, got Infinity mW$/,
  ],
  [
    'a percentage above 100',
    threshold(/Percent\.of\(90\)/, 'Percent.of(190)'),
    /^alert 'LowModelAccuracy': 'threshold' must be at most 100% \(it is a fraction\), got 190%$/,
  ],
  [
    'a resolve level outside its fire level',
    threshold(/resolve: Milliseconds\.of\(20\)/, 'resolve: Milliseconds.of(30)'),
    /^alert 'HighInferenceLatency': 'resolve' must be below 'threshold' \(25 ms\) for an alert firing above it, got 30 ms$/,
  ],
  [
    'a fleet share above 100%',
    threshold(/share: Percent\.of\(10\)/, 'share: Percent.of(110)'),
    /^alert 'Fleet\w+': 'threshold' must be at most 100% \(it is a fraction\), got 110%$/,
  ],
  [
    'a negative duration',
    threshold(/for: Duration\.minutes\(5\)/, 'for: Duration.minutes(-5)'),
    /^alert '\w+': 'for' must not be negative, got -300000ms$/,
  ],
  [
    'a duration of a fraction of a millisecond',
    threshold(/for: Duration\.minutes\(5\)/, 'for: Duration.seconds(0.0005)'),
    /^alert '\w+': 'for' must be a whole number of milliseconds, got 0.5ms$/,
  ],
  [
    'a custom alert with a bad name',
    customAlert(`name: 'Battery Low',`),
    /^alert 'Battery Low': 'name' must match .*$/,
  ],
  [
    'a custom alert whose PromQL has a typo',
    customAlert(`expr: 'battery_level_percent < ',`),
    /^alert 'BatteryLowCustom': 'expr' is not valid PromQL .*$/,
  ],
  [
    'a custom alert on a metric outside the catalogue',
    customAlert(`expr: 'batery_level_percent < 10',`),
    /^alert 'BatteryLowCustom': .*'batery_level_percent'.*catalogue.*$/,
  ],
  [
    'a custom alert with a broken annotation template',
    customAlert(`summary: CustomText.template('Battery low on {{ $labels.device '),`),
    /^alert 'BatteryLowCustom': 'summary' is not a valid Go template: the action opened at offset 15 is never closed$/,
  ],
  [
    'a node selector value Kubernetes would reject',
    stackOption(`hardwareExporter: { nodeSelector: { 'liquid-audio-nets.dev/edge-device': 'yes please' } }`),
    /^DaemonSet 'liquid-audio-nets-monitoring-hardware\/node-exporter': spec.template.spec.nodeSelector 'liquid-audio-nets.dev\/edge-device' value 'yes please' must be .*$/,
  ],
  [
    'a custom alert whose for is shorter than the evaluation interval',
    customAlert(`for: Duration.seconds(10),`),
    /^alert 'BatteryLowCustom': 'for' must be 0s or at least the evaluation interval \(30s\), got 10s$/,
  ],
  [
    'an instance name longer than a label value may be',
    stackOption(`instance: '${'x'.repeat(64)}'`),
    /^stack 'liquid-audio-nets': 'instance' must be at most 63 characters, got 64: 'x+'$/,
  ],
  ['a namespace Kubernetes would reject', stackOption(`namespace: 'Monitoring_NS'`), /^namespace 'Monitoring_NS': .*$/],
  [
    'a hardware exporter port below the unprivileged range',
    stackOption(`hardwareExporter: { port: 80 }`),
    /^HardwareExporter 'node-exporter': 'port' must be a whole number from 1024 to 65535 \(an unprivileged host port\), got 80$/,
  ],
  [
    'an operator selector label value Kubernetes would reject',
    [
      {
        file: 'config.ts',
        from: /operator: \{ \.\.\.config, operator: \{\} \},/,
        to: `operator: { ...config, operator: { selectorLabels: { release: 'kube prometheus' } } },`,
      },
    ],
    /^PrometheusRule 'liquid-audio-nets-monitoring\/liquid-audio-nets-device-health': metadata.labels 'release' value 'kube prometheus' must be .*$/,
  ],
  [
    'a rule file whose PromQL does not parse',
    ruleFile('TeamBatteryLow', 'battery_level_percent <'),
    /^rule file 'alerts\/rules\/team\.yml': alert 'TeamBatteryLow': 'expr' is not valid PromQL \(.*\): battery_level_percent <$/,
  ],
  [
    'a rule file selecting a metric outside the catalogue',
    ruleFile('TeamBatteryLow', 'batery_level_percent < 10'),
    /^rule file 'alerts\/rules\/team\.yml': alert 'TeamBatteryLow': 'expr' selects metric 'batery_level_percent', which is not in the metric catalogue \(known: .*\)$/,
  ],
  [
    'a rule file alert named like a typed alert',
    ruleFile('DeviceOffline', 'battery_level_percent < 10'),
    /^rule file 'alerts\/rules\/team\.yml': alert 'DeviceOffline': defined in rule groups 'device-health' \(in code\) and 'team' \(in 'alerts\/rules\/team\.yml'\); alert names must be unique across the stack$/,
  ],
  [
    'a rule file that is not valid YAML',
    [{ file: 'alerts/rules/team.yml', content: 'groups:\n  - name: team\n     rules: []\n' }],
    /^rule file 'alerts\/rules\/team\.yml': not valid YAML at line 2, column 11: Nested mappings are not allowed in compact mappings$/,
  ],
  [
    'an exported dashboard needing a datasource that is not provisioned',
    [{ file: EXPORTED_DASHBOARD, from: /"pluginId": "prometheus"/, to: '"pluginId": "loki"' }],
    /^dashboard file 'dashboards\/json\/edge-cpu\.json': '__inputs' DS_PROMETHEUS needs a 'loki' datasource, which is not provisioned \(provisioned: prometheus \(prometheus\), alertmanager \(alertmanager\), jaeger \(jaeger\)\)$/,
  ],
  [
    'an exported dashboard on a datasource uid of another Grafana',
    [{ file: EXPORTED_DASHBOARD, from: /"uid": "\$\{DS_PROMETHEUS\}"/g, to: '"uid": "P1809F7CD0C75ACF3"' }],
    /^dashboard file 'dashboards\/json\/edge-cpu\.json': dashboard 'edge-cpu': variable 'device' uses datasource uid 'P1809F7CD0C75ACF3', which is not a provisioned datasource \(provisioned: prometheus, alertmanager, jaeger\)$/,
  ],
  [
    'a dashboard file that is not valid JSON',
    [{ file: 'dashboards/json/broken.json', content: '{\n  "title": "Broken",\n  "panels": [}\n' }],
    /^dashboard file 'dashboards\/json\/broken\.json': not valid JSON at line 3, column 14: unexpected "}"$/,
  ],
  [
    'an extra scrape job with a sample limit of 0',
    stackOption(
      `extraScrapeJobs: [{ name: 'edge-gateway', targets: ['gateway.edge.svc:9100'], limits: { sampleLimit: 0, labelLimit: 30 } }]`,
    ),
    /^scrape job 'edge-gateway': 'limits\.sampleLimit' must be a whole number of at least 1, got 0$/,
  ],
  [
    'a Jaeger retention shorter than an hour',
    stackOption(`jaeger: { retention: Duration.minutes(10) }`),
    /^jaeger 'jaeger': 'retention' must be at least 1h \(whole milliseconds\), got 10m$/,
  ],
  [
    'a negative batch job push age',
    threshold(/maxPushAge: Duration\.hours\(26\)/, 'maxPushAge: Duration.hours(-26)'),
    /^alert 'BatchJobPushStale': 'maxPushAge' must be a positive whole number of milliseconds, got -93600000ms$/,
  ],
  [
    // Placement read from a site's JSON file escapes the type-check; the construct still refuses it.
    'a toleration operator that is not Exists or Equal',
    stackOption(
      `prometheus: { tolerations: JSON.parse('[{ "key": "dedicated", "operator": "Equals", "value": "monitoring" }]') }`,
    ),
    /^Prometheus 'prometheus': 'tolerations\[0\]\.operator' must be one of 'Exists', 'Equal', got 'Equals'$/,
  ],
  [
    "an environment's image registry that is not a host",
    [
      {
        file: 'config.ts',
        from: /alertmanager: \{ replicas: 1 \},/,
        to: "alertmanager: { replicas: 1 }, images: { registry: 'https://mirror.edge.example' },",
      },
    ],
    /^stack 'liquid-audio-nets': 'images\.registry' must be a registry host, optionally with ':port' and a '\/path' \(mirror\.example:5000\/quay\), got 'https:\/\/mirror\.edge\.example'$/,
  ],
  [
    'an ingress host that is not a DNS name',
    [{ file: 'config.ts', from: /host: 'grafana\.liquid-audio-nets\.example'/, to: "host: 'Grafana Edge'" }],
    /^grafana 'grafana': 'ingress\.host' must be a DNS name: lower-case letters, digits and "-" in labels of at most 63 characters, joined by "\.", got 'Grafana Edge'$/,
  ],
  [
    'a Prometheus with no replicas',
    stackOption(`prometheus: { replicas: 0 }`),
    /^prometheus.*'replicas' must be .*got 0$/i,
  ],
];

/** Every case, run two at a time: a synth is a type-check and a bundle on the machine's cores. */
const outcomes = new Map<string, Promise<Outcome>>();
function outcome(name: string, edits: readonly Edit[]): Promise<Outcome> {
  let pending = outcomes.get(name);
  if (!pending) {
    pending = runIn(projectWith(edits), 'bash', ['scripts/synth.sh']);
    outcomes.set(name, pending);
  }
  return pending;
}

describe('npm run synth on bad input', () => {
  test.concurrent.each(CASES)('fails with one line on %s', async (name, edits, line) => {
    const result = await outcome(name, edits);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synth failed, nothing written to \S+: /);
    expect(lines[0].replace(/^synth failed, nothing written to \S+: /, '')).toMatch(line);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.distAfter).toBe(result.distBefore);
  });

  test('the bad-threshold case through npm run synth: one line on stderr, exit 1', async () => {
    const result = await runIn(projectWith(CASES[0][1]), 'npm', ['run', 'synth']);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/'LowThroughput'.*-16000 Hz$/)]);
    expect(result.distAfter).toBe(result.distBefore);
  });

  test('DEBUG=1 adds the stack, mapped to the TypeScript sources', async () => {
    const dir = projectWith(CASES[0][1]);
    const result = await new Promise<Outcome>((done) => {
      const distBefore = distHash(join(dir, 'dist'));
      const child = spawn('bash', ['scripts/synth.sh'], { cwd: dir, env: { ...process.env, DEBUG: '1' } });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (status) => {
        const distAfter = distHash(join(dir, 'dist'));
        rmSync(dir, { recursive: true, force: true });
        done({ status, stdout: '', stderr, distBefore, distAfter });
      });
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/at .*alerts\/device\.ts:\d+:\d+/);
    expect(result.distAfter).toBe(result.distBefore);
  });
});

describe("the README's custom alert", () => {
  test('pasted into config.ts as the README says, it synthesizes and reaches the rule files', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Adding your own alert'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const dir = projectWith([
      { file: 'config.ts', from: /\} from '\.\/lib';/, to: "  AlertRule,\n  AlertText,\n} from './lib';" },
      { file: 'config.ts', from: /export const config: StackConfig = stackConfig\(\);/, to: block as string },
    ]);
    const result = await new Promise<{ status: number | null; stderr: string; rules: string }>((done) => {
      const child = spawn('bash', ['scripts/synth.sh'], { cwd: dir });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (status) => {
        const file = readdirSync(join(dir, 'dist/standalone')).find((f) => f.endsWith('-prometheus.k8s.yaml'));
        const rules = file ? readFileSync(join(dir, 'dist/standalone', file), 'utf8') : '';
        rmSync(dir, { recursive: true, force: true });
        done({ status, stderr, rules });
      });
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.rules).toContain('alert: TeamBatteryNearlyEmpty');
  });
});
