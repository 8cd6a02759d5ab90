/**
 * Sizes no real site reaches. They bound what loading a hostile or broken file can cost (memory,
 * time, stack), and each message says it is a limit, not a rule about the home lab.
 */

/** The example site is 4 KB; a site of 5,000 nodes with 16 NICs each and comments is about 5 MB. */
export const MAX_SITE_BYTES = 16 * 1024 * 1024;

/** The schema nests 6 levels deep; anything far deeper is not a site file (and would cost stack). */
export const MAX_DEPTH = 32;

/**
 * Items of any one list (and keys of any one map): Kubernetes' tested limit is 5,000 nodes per
 * cluster, and no other list in a site is longer than its node list.
 */
export const MAX_ITEMS = 5000;

/** Characters of any one string: the longest real value, a URL or a path, is far shorter. */
export const MAX_STRING = 4096;

/** YAML aliases expanded while reading (the "billion laughs" bound; the yaml package's default). */
export const MAX_ALIAS_COUNT = 100;

export function limitMessage(what: string, limit: string): string {
  return `${what}, more than the limit of ${limit}; no real site is that large, so the file is refused before it is checked`;
}
