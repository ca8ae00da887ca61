import { createHash } from 'node:crypto';

/**
 * A catalogue item's SID, derived from its name, never random, so it is the same on every
 * install and instance and a SID kept in a user's test fixtures stays valid.
 */
export function catalogueSid(prefix: string, namespace: string, name: string): string {
  return prefix + createHash('sha256').update(`regcomp:${namespace}:${name}`).digest('hex').slice(0, 32);
}
