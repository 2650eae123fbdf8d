import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiObject, App, Names, YamlOutputType } from 'cdk8s';
import { dnsLabelProblem } from '../core';
import { checkLabelValues } from '../k8s';

export interface StagedAppProps {
  /** Where the manifests end up. @default - $CDK8S_OUTDIR when set (as `cdk8s synth` sets it), else 'dist' */
  readonly outdir?: string;
}

/**
 * A cdk8s App that never leaves a half-written output folder: it synthesizes into a temporary
 * sibling folder and swaps it in only when everything succeeded. A synth that fails, in a
 * construct or while writing, leaves the previous output untouched.
 */
export class StagedApp extends App {
  /** The folder the manifests are swapped into. */
  public readonly targetDir: string;
  /** The sub-folders, each an App of its own (see `folder`). */
  private readonly folders = new Map<string, App>();

  public constructor(props: StagedAppProps = {}) {
    const target = resolve(props.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
    const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
    chmodSync(staging, 0o755);
    super({ outdir: staging, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    this.targetDir = target;
  }

  /**
   * An App whose charts are written to the sub-folder `name` of the output (`dist/<name>/`), staged
   * and swapped in with the rest: one folder per example or environment, each applied on its own.
   */
  public folder(name: string): App {
    const problem = dnsLabelProblem(name);
    if (problem) throw new Error(`output folder '${name}': the name ${problem}`);
    if (this.folders.has(name))
      throw new Error(`output folder '${name}' is rendered twice; folder names must be unique`);
    const app = new App({ outdir: join(this.outdir, name), yamlOutputType: YamlOutputType.FILE_PER_CHART });
    this.folders.set(name, app);
    return app;
  }

  public synth(): void {
    try {
      const apps: App[] = [this, ...this.folders.values()];
      for (const app of apps) {
        for (const chart of app.charts) {
          for (const node of chart.node.findAll()) if (node instanceof ApiObject) checkLabelValues(node.toJson());
        }
      }
      synthByChartId(this, () => super.synth());
      for (const app of this.folders.values()) synthByChartId(app, () => app.synth());
    } catch (error) {
      rmSync(this.outdir, { recursive: true, force: true });
      throw error;
    }
    const old = `${this.outdir}.old`;
    if (existsSync(this.targetDir)) renameSync(this.targetDir, old);
    renameSync(this.outdir, this.targetDir);
    rmSync(old, { recursive: true, force: true });
  }

  /** Drops the staging folder of an app whose constructs failed before `synth()`. */
  public discard(): void {
    rmSync(this.outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes `app` and names each chart's file by the chart's id (`0002-prometheus.k8s.yaml`), as
 * for a chart made directly in the App, where cdk8s names a chart made inside a stack by its path
 * and a hash (`0002-liquid-audio-nets-prometheus-c8f3a1b2`). Two charts of one id (two stacks in
 * one folder) keep the path, without the hash: `0002-edge-prometheus.k8s.yaml`.
 */
function synthByChartId(app: App, synth: () => void): void {
  synth();
  const charts = app.charts;
  const ids = charts.map((c) => c.node.id);
  charts.forEach((chart, i) => {
    const indexed = `${String(i).padStart(4, '0')}-`;
    const written = Names.toDnsLabel(chart);
    const prefix = existsSync(join(app.outdir, `${indexed}${written}${app.outputFileExtension}`)) ? indexed : '';
    const id = chart.node.id;
    const name =
      ids.indexOf(id) === ids.lastIndexOf(id)
        ? id
        : chart.node.scopes
            .slice(1)
            .map((s) => s.node.id)
            .join('-');
    if (name === written) return;
    const target = join(app.outdir, `${prefix}${name}${app.outputFileExtension}`);
    if (existsSync(target)) throw new Error(`chart '${chart.node.path}': its file name '${name}' is another chart's`);
    renameSync(join(app.outdir, `${prefix}${written}${app.outputFileExtension}`), target);
  });
}

/**
 * Runs a synth: on failure prints the one-sentence reason (the constructs' messages name the
 * object, field, value and what is allowed) and exits 1. With `DEBUG=1` the stack follows it.
 */
export function synthOrExit(build: (app: StagedApp) => void, props: StagedAppProps = {}): void {
  const app = new StagedApp(props);
  try {
    build(app);
    app.synth();
  } catch (error) {
    app.discard();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`synth failed, nothing written to ${app.targetDir}: ${message.split('\n')[0]}\n`);
    if (process.env.DEBUG && process.env.DEBUG !== '0' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
