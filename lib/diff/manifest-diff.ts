/**
 * The rendered-manifest diff of a pull request: two synthesized trees compared object by object,
 * grouped by Application, as Markdown for a PR comment. SealedSecret ciphertext never shows: a change
 * reads "sealed value changed" with the key names. The comment stays within GitHub's 65,536-character
 * limit; the full diff goes to a file for the artifact.
 */
import { createTwoFilesPatch } from 'diff';
import { sortKeys, toYaml } from '../output/yaml';
import { describeObject, type Manifest, type ManifestObject } from '../manifest/types';

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65536;
/** Marker the workflow finds its own comment by, to update it instead of adding another. */
export const COMMENT_MARKER = '<!-- ouchi:manifest-diff -->';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ObjectChange {
  readonly kind: ChangeKind;
  /** Path in the tree, e.g. `metallb-config/ipaddresspool-default.yaml`. */
  readonly file: string;
  readonly object: string;
  /** Unified diff (changed objects), or the sealed-value summary for SealedSecrets. */
  readonly detail: string;
}

export interface ApplicationChanges {
  /** Application folder. */
  readonly application: string;
  readonly changes: readonly ObjectChange[];
}

function isSealed(object: ManifestObject): boolean {
  return object.kind === 'SealedSecret';
}

function encryptedData(object: ManifestObject): Record<string, string> {
  return ((object.spec as { encryptedData?: Record<string, string> } | undefined)?.encryptedData ??
    {}) as Record<string, string>;
}

/** A SealedSecret with its ciphertext replaced by a marker, so diffs and listings never carry it. */
function redacted(object: ManifestObject): ManifestObject {
  if (!isSealed(object)) return object;
  const spec = object.spec as Record<string, unknown>;
  const data = Object.fromEntries(Object.keys(encryptedData(object)).map((k) => [k, '(sealed)']));
  return { ...object, spec: { ...spec, encryptedData: data } };
}

function sealedSummary(before: ManifestObject, after: ManifestObject): string | undefined {
  const a = encryptedData(before);
  const b = encryptedData(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changed = keys.filter((k) => a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]);
  const added = keys.filter((k) => a[k] === undefined);
  const removed = keys.filter((k) => b[k] === undefined);
  const parts = [
    changed.length > 0 ? `sealed value changed: ${changed.join(', ')}` : '',
    added.length > 0 ? `sealed key added: ${added.join(', ')}` : '',
    removed.length > 0 ? `sealed key removed: ${removed.join(', ')}` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** What makes two objects the same object: API group, kind, namespace and name, not the file. */
export function identityOf(object: ManifestObject): string {
  const group =
    typeof object.apiVersion === 'string' && object.apiVersion.includes('/')
      ? object.apiVersion.split('/')[0]
      : '';
  const ns = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
  return `${group}/${String(object.kind)}/${ns}/${String(object.metadata?.name)}`;
}

function patchOf(fileA: string, fileB: string, textA: string, textB: string): string {
  if (textA === textB) return '';
  return (
    createTwoFilesPatch(`a/${fileA}`, `b/${fileB}`, textA, textB, '', '', { context: 3 })
      .split('\n')
      // Drop the ===== separator line; trim the empty header fields after the file names.
      .slice(1)
      .map((line) => line.replace(/\t$/, ''))
      .join('\n')
  );
}

/** Equal content; key order does not count (a parsed tree and a rendered one order keys differently). */
function sameObject(a: ManifestObject, b: ManifestObject): boolean {
  return a === b || JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/**
 * Object by object: matched by identity, so an object that moved to another file or Application
 * shows as one change ("moved from …"), not as a removal and an addition.
 */
export function diffManifests(base: readonly Manifest[], head: readonly Manifest[]): ApplicationChanges[] {
  const before = new Map(base.map((m) => [identityOf(m.object), m]));
  const after = new Map(head.map((m) => [identityOf(m.object), m]));
  const byApp = new Map<string, ObjectChange[]>();
  const add = (change: ObjectChange) => {
    const app = change.file.split('/')[0];
    byApp.set(app, [...(byApp.get(app) ?? []), change]);
  };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(id);
    const b = after.get(id);
    if (a === undefined && b !== undefined) {
      add({
        kind: 'added',
        file: b.file,
        object: describeObject(b.object),
        detail: toYaml(redacted(b.object)),
      });
    } else if (a !== undefined && b === undefined) {
      add({
        kind: 'removed',
        file: a.file,
        object: describeObject(a.object),
        detail: toYaml(redacted(a.object)),
      });
    } else if (a !== undefined && b !== undefined) {
      // Most objects did not change: tell so without rendering both sides as YAML.
      if (a.file === b.file && sameObject(a.object, b.object)) continue;
      const textA = toYaml(redacted(a.object));
      const textB = toYaml(redacted(b.object));
      const sealed = isSealed(a.object) && isSealed(b.object) ? sealedSummary(a.object, b.object) : undefined;
      const moved = a.file === b.file ? undefined : `moved from ${a.file}`;
      if (textA === textB && sealed === undefined && moved === undefined) continue;
      add({
        kind: 'changed',
        file: b.file,
        object: describeObject(b.object),
        detail: [moved, sealed, patchOf(a.file, b.file, textA, textB)].filter((p) => p).join('\n'),
      });
    }
  }
  const byFile = (x: ObjectChange, y: ObjectChange) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0);
  return [...byApp.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([application, changes]) => ({ application, changes: [...changes].sort(byFile) }));
}

const SIGN: Record<ChangeKind, string> = { added: '+', removed: '-', changed: '~' };

function count(changes: readonly ObjectChange[], kind: ChangeKind): number {
  return changes.filter((c) => c.kind === kind).length;
}

export interface RenderOptions {
  /** Base and head names for the heading, e.g. `origin/main` and `HEAD`. */
  readonly base: string;
  readonly head: string;
  readonly site: string;
  /** Truncate to fit this many characters (the full rendering ignores it). @default COMMENT_LIMIT */
  readonly limit?: number;
  /** Lines shown per object before truncating its diff. @default 80 */
  readonly maxLinesPerObject?: number;
}

function fence(body: string, language: string): string {
  // A body that contains ``` would end the fence early: use a longer one.
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${body.replace(/\n$/, '')}\n${ticks}`;
}

function truncateLines(text: string, max: number): string {
  const lines = text.split('\n');
  if (lines.length <= max) return text;
  return `${lines.slice(0, max).join('\n')}\n… ${lines.length - max} more lines in the full diff`;
}

function summary(apps: readonly ApplicationChanges[], options: RenderOptions): string {
  const total = apps.flatMap((a) => a.changes);
  const head = `${COMMENT_MARKER}\n### Rendered manifests: \`${options.site}\` (${options.base} → ${options.head})\n`;
  if (total.length === 0) return `${head}\nNo object changes.\n`;
  const rows = apps.map(
    (a) =>
      `| \`${a.application}\` | ${count(a.changes, 'added')} | ${count(a.changes, 'changed')} | ${count(a.changes, 'removed')} |`,
  );
  return [
    head,
    `**${count(total, 'added')} added, ${count(total, 'changed')} changed, ${count(total, 'removed')} removed** in ${apps.length} Application(s).`,
    '',
    '| Application | added | changed | removed |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function section(app: ApplicationChanges, maxLines: number | undefined): string {
  const lines = [`#### \`${app.application}\``, ''];
  for (const c of app.changes) {
    lines.push(
      `<details><summary>${SIGN[c.kind]} ${c.kind}: ${c.object} (<code>${c.file}</code>)</summary>`,
      '',
    );
    const body = maxLines === undefined ? c.detail : truncateLines(c.detail, maxLines);
    lines.push(fence(body, c.kind === 'changed' ? 'diff' : 'yaml'));
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}

/** The whole diff as Markdown, nothing truncated (the artifact). */
export function renderFull(apps: readonly ApplicationChanges[], options: RenderOptions): string {
  return [summary(apps, options), ...apps.map((a) => section(a, undefined))].join('\n');
}

/** The PR comment: summary first, details while they fit, always within the limit. */
export function renderComment(apps: readonly ApplicationChanges[], options: RenderOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const maxLines = options.maxLinesPerObject ?? 80;
  const note = (left: number) =>
    `\n_… ${left} more Application section(s) did not fit in this comment: see the full diff in the \`manifest-diff\` artifact._\n`;
  let text = summary(apps, options);
  // Room for the closing note, whatever the number in it.
  const reserve = note(apps.length).length + 16;
  if (text.length + reserve > limit) return `${text.slice(0, limit - reserve)}${note(apps.length)}`;
  for (let i = 0; i < apps.length; i++) {
    const part = `\n${section(apps[i], maxLines)}`;
    if (text.length + part.length + reserve > limit) return text + note(apps.length - i);
    text += part;
  }
  return text;
}
