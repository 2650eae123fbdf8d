import { createHash } from 'node:crypto';

/** A short, deterministic hash of named contents (keys sorted), for rollout annotations. */
export function contentHash(contents: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(contents).sort()) {
    hash.update(key).update('\0').update(contents[key]).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
