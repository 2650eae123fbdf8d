import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_CATALOGUE } from '../../../alerts';
import { performanceDashboard, systemOverviewDashboard } from '../../../dashboards';
import { GRAFANA_DATASOURCES, MetricCatalogue, Units } from '../../../lib';
import { checkDashboard, checkDashboards, type DashboardCheckContext } from '../../../lib/grafana/dashboard-checks';

const context: DashboardCheckContext = {
  datasources: Object.values(GRAFANA_DATASOURCES),
  catalogue: DASHBOARD_CATALOGUE,
};

/** A mutable copy of a real dashboard, as Grafana would read it from its file. */
function performance(): any {
  return JSON.parse(JSON.stringify(performanceDashboard()));
}
const check =
  (d: Dashboard, ctx: DashboardCheckContext = context) =>
  () =>
    checkDashboard(d, ctx);

describe('dashboard checks', () => {
  test('the real dashboards pass', () => {
    expect(check(performance())).not.toThrow();
    expect(() =>
      checkDashboards([performance(), JSON.parse(JSON.stringify(systemOverviewDashboard()))], context),
    ).not.toThrow();
  });

  describe('datasources', () => {
    test('fails when a panel uses a datasource uid that is not provisioned', () => {
      const d = performance();
      d.panels[0].datasource = { type: 'prometheus', uid: 'thanos' };
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Inference latency' (id 1) uses datasource uid 'thanos', which is not a provisioned datasource (provisioned: prometheus, alertmanager, jaeger)",
      );
    });

    test('fails when a target uses a datasource uid that is not provisioned', () => {
      const d = performance();
      d.panels[1].targets[0].datasource = { uid: 'P1809F7CD0C75ACF3' };
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Throughput' (id 2): target A uses datasource uid 'P1809F7CD0C75ACF3', which is not a provisioned datasource",
      );
    });

    test('fails when a datasource is named with the wrong type', () => {
      const d = performance();
      d.panels[0].datasource = { type: 'loki', uid: 'prometheus' };
      expect(check(d)).toThrow(
        /panel 'Inference latency' \(id 1\) names datasource 'prometheus' with type 'loki', but it is provisioned as 'prometheus'/,
      );
    });

    test('fails when a panel with targets has no datasource', () => {
      const d = performance();
      delete d.panels[0].datasource;
      expect(check(d)).toThrow(
        /panel 'Inference latency' \(id 1\) has no datasource uid; set one of the provisioned datasources \(prometheus, alertmanager, jaeger\)/,
      );
    });

    test('fails when the variable queries a datasource that is not provisioned', () => {
      const d = performance();
      d.templating.list[0].datasource = { type: 'prometheus', uid: 'old-prometheus' };
      expect(check(d)).toThrow(
        "dashboard 'performance': variable 'device' uses datasource uid 'old-prometheus', which is not a provisioned datasource",
      );
    });
  });

  describe('PromQL', () => {
    test('fails when a target does not parse', () => {
      const d = performance();
      d.panels[1].targets[0].expr = 'sum(rate(audio_samples_processed_per_second[5m])';
      expect(check(d)).toThrow(
        /^dashboard 'performance': panel 'Throughput' \(id 2\): target A is not valid PromQL \(unexpected input at character \d+\): sum\(rate/,
      );
    });

    test('fails when a target selects a metric that is not in the catalogue', () => {
      const d = performance();
      d.panels[1].targets[0].expr = 'foo{device=~"$device"}';
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Throughput' (id 2): target A selects metric 'foo', which is not in the metric catalogue",
      );
    });

    test("a recording rule's output is accepted once it is in the catalogue, and only then", () => {
      const d = performance();
      d.panels[0].targets[0].expr = 'device:inference_latency_ms:p99{device=~"$device"}';
      expect(check(d)).toThrow(
        /selects metric 'device:inference_latency_ms:p99', which is not in the metric catalogue/,
      );
      const withRecord = DASHBOARD_CATALOGUE.with({
        name: 'device:inference_latency_ms:p99',
        type: 'gauge',
        unit: Units.milliseconds,
        help: 'p99 latency per device.',
      });
      expect(check(d, { ...context, catalogue: withRecord })).not.toThrow();
    });

    test("Grafana's range variables are durations to the parser", () => {
      const d = performance();
      d.panels[0].targets[0].expr =
        'max_over_time(inference_latency_ms{device=~"$device"}[$__rate_interval]) + avg_over_time(inference_latency_ms[${__range}])';
      expect(check(d)).not.toThrow();
    });

    test('fails when a target has no expression', () => {
      const d = performance();
      d.panels[0].targets[0].expr = ' ';
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Inference latency' (id 1): target A has no PromQL expression ('expr')",
      );
    });

    test('fails when two targets of a panel share a refId', () => {
      const d = performance();
      d.panels[0].targets.push({ ...d.panels[0].targets[0] });
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Inference latency' (id 1): target A is defined twice; refIds must be unique within a panel",
      );
    });

    test('fails when the device variable selects a metric that is not in the catalogue', () => {
      const d = performance();
      d.templating.list[0].query = 'label_values(devices_info{job="x"}, device)';
      expect(check(d)).toThrow(
        "dashboard 'performance': variable 'device' (label_values) selects metric 'devices_info', which is not in the metric catalogue",
      );
    });

    test("fails when the variable query is not one of Grafana's Prometheus functions", () => {
      const d = performance();
      d.templating.list[0].query = 'up{job="x"}';
      expect(check(d)).toThrow(
        /variable 'device': query 'up\{job="x"\}' is not one of label_values\(selector, label\)/,
      );
    });

    test('metrics are checked against the catalogue given, not a global one', () => {
      const onlyUp = new MetricCatalogue([{ name: 'up', type: 'gauge', unit: Units.count, help: 'up' }]);
      expect(check(performance(), { ...context, catalogue: onlyUp })).toThrow(
        /target A selects metric 'inference_latency_ms', which is not in the metric catalogue/,
      );
    });
  });

  describe('panel ids', () => {
    test('fails when two panels share an id', () => {
      const d = performance();
      d.panels[2].id = 1;
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Power draw' (id 1): 'id' 1 is also the id of panel 'Inference latency'; panel ids must be unique within a dashboard",
      );
    });

    test('fails when a panel has no id', () => {
      const d = performance();
      delete d.panels[3].id;
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Memory use' has no 'id'; every panel needs a whole number id of at least 1, got undefined",
      );
    });
  });

  describe('grid positions', () => {
    test('fails when two panels overlap', () => {
      const d = performance();
      d.panels[3].gridPos = { x: 6, y: 4, w: 12, h: 8 };
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Inference latency' (id 1) at x=0,y=0,w=12,h=8 overlaps panel 'Memory use' (id 4) at x=6,y=4,w=12,h=8",
      );
    });

    test('panels that only touch do not overlap', () => {
      const d = performance();
      d.panels[3].gridPos = { x: 12, y: 16, w: 12, h: 8 };
      expect(check(d)).not.toThrow();
    });

    test('fails when a panel reaches beyond the 24 columns', () => {
      const d = performance();
      d.panels[1].gridPos = { x: 18, y: 0, w: 12, h: 8 };
      expect(check(d)).toThrow(
        "dashboard 'performance': panel 'Throughput' (id 2): 'gridPos' x=18,y=0,w=12,h=8 ends at column 30, beyond the 24 columns of the grid",
      );
    });

    test('fails when a panel has no position or a negative one', () => {
      const d = performance();
      delete d.panels[0].gridPos;
      expect(check(d)).toThrow(/panel 'Inference latency' \(id 1\) has no 'gridPos'/);
      const e = performance();
      e.panels[0].gridPos.y = -1;
      expect(check(e)).toThrow(
        /panel 'Inference latency' \(id 1\): 'gridPos.y' must be a whole number of at least 0, got -1/,
      );
    });
  });

  describe('dashboard uids', () => {
    test.each([
      ['has upper case and "_"', 'Perf_1'],
      ['is 41 characters long', 'a'.repeat(41)],
      ['ends with "-"', 'performance-'],
      ['is empty', ''],
    ])('fails when the uid %s', (_what, uid) => {
      const d = performance();
      d.uid = uid;
      expect(check(d)).toThrow(
        `dashboard '${uid}': 'uid' must be 1 to 40 lower-case letters, digits and "-", starting and ending with a letter or digit (Grafana allows at most 40 characters), got "${uid}"`,
      );
    });

    test('a 40-character uid is fine', () => {
      const d = performance();
      d.uid = 'a'.repeat(40);
      expect(check(d)).not.toThrow();
    });

    test('fails when the uid is missing', () => {
      const d = performance();
      delete d.uid;
      expect(check(d)).toThrow(/^dashboard titled 'Performance': 'uid' must be 1 to 40 lower-case letters/);
    });

    test('fails when two dashboards share a uid', () => {
      const other = JSON.parse(JSON.stringify(systemOverviewDashboard()));
      other.uid = 'performance';
      expect(() => checkDashboards([performance(), other], context)).toThrow(
        "dashboard 'performance': 'uid' is used by dashboards 'Performance' and 'System Overview'; dashboard uids must be unique",
      );
    });

    test('fails when two dashboards share a title', () => {
      const other = JSON.parse(JSON.stringify(systemOverviewDashboard()));
      other.title = 'Performance';
      expect(() => checkDashboards([performance(), other], context)).toThrow(
        "dashboard 'system-overview': 'title' 'Performance' is also the title of dashboard 'performance'; titles must be unique within the folder",
      );
    });
  });
});
