import { Duration, Gibibytes } from '../../../lib';
import { renderPrometheusConfig } from '../../../lib/prometheus/prometheus-config';
import {
  componentJob,
  DEVICE_DEFAULT_PORT,
  devicesJob,
  hardwareExporterJob,
  podAnnotationLabel,
  SCRAPE_LIMITS,
} from '../../../lib/prometheus/scrape-jobs';

const render = (jobs: Parameters<typeof renderPrometheusConfig>[0]['jobs']) =>
  (
    renderPrometheusConfig({
      scrapeInterval: Duration.seconds(30),
      scrapeTimeout: Duration.seconds(10),
      evaluationInterval: Duration.seconds(30),
      externalLabels: {},
      alertLabelsToDrop: [],
      alertmanagers: ['am:9093'],
      ruleFiles: [],
      jobs,
      remoteWrite: [],
      retention: { time: Duration.days(15), size: Gibibytes.of(40) },
    }) as any
  ).scrape_configs;

describe('discovery blocks', () => {
  test('devices: every namespace, opted in by the product label (selected by the API server), port 8080 and /metrics by default', () => {
    const [job] = render([devicesJob()]);
    expect(job.kubernetes_sd_configs).toEqual([
      { role: 'pod', selectors: [{ role: 'pod', label: 'liquid-audio-nets.dev/scrape=true' }] },
    ]);
    expect(job.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_liquid_audio_nets_dev_scrape'], regex: 'true', action: 'keep' },
        {
          source_labels: ['__meta_kubernetes_pod_ip'],
          regex: '(.+)',
          target_label: '__address__',
          replacement: `$1:${DEVICE_DEFAULT_PORT}`,
          action: 'replace',
        },
        {
          source_labels: ['__meta_kubernetes_pod_ip', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
          regex: '(.+);(\\d+)',
          target_label: '__address__',
          replacement: '$1:$2',
          action: 'replace',
        },
        {
          source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'],
          regex: '(.+)',
          target_label: '__metrics_path__',
          action: 'replace',
        },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'device', action: 'replace' },
      ]),
    );
    expect(job.metrics_path).toBe('/metrics');
    expect(job).toMatchObject({
      job_name: 'liquid-audio-nets',
      sample_limit: SCRAPE_LIMITS.devices.sampleLimit,
      label_limit: SCRAPE_LIMITS.devices.labelLimit,
    });
  });

  test('devices: limited to the given namespaces', () => {
    expect(render([devicesJob(['audio', 'edge'])])[0].kubernetes_sd_configs).toEqual([
      {
        role: 'pod',
        namespaces: { names: ['audio', 'edge'] },
        selectors: [{ role: 'pod', label: 'liquid-audio-nets.dev/scrape=true' }],
      },
    ]);
  });

  test('a component: its namespace, its name label, one declared port', () => {
    const [job] = render([componentJob('grafana', 'monitoring', 'grafana', 3000, SCRAPE_LIMITS.grafana)]);
    expect(job.kubernetes_sd_configs).toEqual([
      {
        role: 'pod',
        namespaces: { names: ['monitoring'] },
        selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=grafana' }],
      },
    ]);
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_pod_container_port_number'],
      regex: '3000',
      action: 'keep',
    });
  });

  test('the hardware exporter: its own namespace, labelled with the device (node) it runs on', () => {
    const [job] = render([
      hardwareExporterJob(
        'hardware-exporter',
        'monitoring-hardware',
        { 'app.kubernetes.io/name': 'node-exporter' },
        9100,
      ),
    ]);
    expect(job.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['monitoring-hardware'] });
    expect(job.relabel_configs).toContainEqual({
      source_labels: ['__meta_kubernetes_pod_node_name'],
      target_label: 'device',
      action: 'replace',
    });
  });

  test('every job reads a reply without a Content-Type as the classic text format, unless told otherwise', () => {
    const jobs = render([
      devicesJob(),
      hardwareExporterJob(
        'hardware-exporter',
        'monitoring-hardware',
        { 'app.kubernetes.io/name': 'node-exporter' },
        9100,
      ),
      componentJob('grafana', 'monitoring', 'grafana', 3000, SCRAPE_LIMITS.grafana),
      componentJob('otel', 'monitoring', 'otel', 8889, SCRAPE_LIMITS.otelExported, {
        fallbackScrapeProtocol: 'OpenMetricsText1.0.0',
      }),
    ]);
    expect(jobs.map((j: any) => j.fallback_scrape_protocol)).toEqual([
      'PrometheusText0.0.4',
      'PrometheusText0.0.4',
      'PrometheusText0.0.4',
      'OpenMetricsText1.0.0',
    ]);
  });

  test('annotation names map to the meta labels Prometheus derives', () => {
    expect(podAnnotationLabel('prometheus.io/scrape')).toBe('__meta_kubernetes_pod_annotation_prometheus_io_scrape');
  });
});
