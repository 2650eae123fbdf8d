import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/**
 * Reading the files a team brings (rule files, exported dashboards): every failure of the file
 * system becomes one sentence naming the folder or file, like any other bad input.
 */

/** `path` as errors show it: relative to the folder the synth runs in when it lies inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The file names in `folder`, sorted, so the output does not depend on the file system's order. */
export function readFolder(folder: string, what: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new Error(`${what}: cannot read the folder '${displayPath(folder)}' (${ioReason(error)})`);
  }
}

/** A file's text (UTF-8), or one sentence naming it. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read the file (${ioReason(error)})`);
  }
}

function ioReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message.split('\n')[0] : String(error);
}
