import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly [field: string]: unknown;
}

/**
 * A package-lock.json for an app that depends on `tarball` and on `direct` packages, every other
 * entry copied from this repository's lockfile: the versions and integrity hashes `npm ci` already
 * fetched here, so `npm ci --offline` installs them from npm's cache without asking a registry.
 */
export function scratchLockfile(
  appName: string,
  tarball: { readonly name: string; readonly version: string; readonly file: string; readonly manifest: LockEntry },
  direct: readonly string[],
): { packageJson: object; lockfile: object } {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: Record<string, LockEntry> = {};
  /** Where node resolves `name` from `from` (nested first, as npm lays packages out), added with its own needs. */
  const add = (name: string, from: string) => {
    const candidates: string[] = [];
    for (let at = from; at !== ''; at = at.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, ''))
      candidates.push(`${at}/node_modules/${name}`);
    candidates.push(`node_modules/${name}`);
    const location = candidates.find((c) => lock.packages[c] !== undefined);
    if (location === undefined)
      throw new Error(`package '${name}' (needed by '${from || 'the app'}') is not in package-lock.json`);
    if (packages[location]) return;
    const entry = asAppDependency(lock.packages[location]);
    packages[location] = entry;
    for (const [nested, nestedEntry] of Object.entries(lock.packages))
      if (nested.startsWith(`${location}/node_modules/`)) packages[nested] = asAppDependency(nestedEntry);
    const needs = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const dep of Object.keys(needs)) {
      if (entry.peerDependenciesMeta?.[dep]?.optional) continue;
      if (packages[`${location}/node_modules/${dep}`]) continue; // bundled
      add(dep, location);
    }
  };
  const dependencies: Record<string, string> = { [tarball.name]: `file:${tarball.file}` };
  for (const name of direct) dependencies[name] = lock.packages[`node_modules/${name}`]?.version ?? 'missing';
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball.file)).digest('base64')}`;
  packages[`node_modules/${tarball.name}`] = {
    version: tarball.version,
    resolved: `file:${tarball.file}`,
    integrity,
    dependencies: tarball.manifest.dependencies,
    peerDependencies: tarball.manifest.peerDependencies,
  };
  for (const dep of [...Object.keys(tarball.manifest.dependencies ?? {}), ...direct]) add(dep, '');
  const packageJson = { name: appName, version: '0.0.0', private: true, dependencies };
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b)));
  return {
    packageJson,
    lockfile: {
      name: appName,
      version: '0.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: appName, version: '0.0.0', dependencies }, ...sorted },
    },
  };
}

/** An entry without this repository's flags (dev, peer): in the app every package is a dependency. */
function asAppDependency(entry: LockEntry): LockEntry {
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
  return rest;
}
