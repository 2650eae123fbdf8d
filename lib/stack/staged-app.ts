import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiObject, App, YamlOutputType } from 'cdk8s';
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
      super.synth();
      for (const app of this.folders.values()) app.synth();
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
