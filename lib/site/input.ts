/**
 * The site file from bytes to a plain value, refusing what would otherwise be silently changed or
 * cost without bound: text that is not UTF-8 (a BOM is fine), YAML errors and warnings (each with its
 * line and column), aliases that do not resolve or expand too far, `__proto__` keys, numbers that are
 * not finite, and sizes past the limits in limits.ts. Each step is linear in the size of the file.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { SiteProblem } from './checks';
import { limitMessage, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_ITEMS, MAX_SITE_BYTES, MAX_STRING } from './limits';

export type InputResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: SiteProblem[] };

const FILE = '(file)';

function fail(...problems: SiteProblem[]): InputResult {
  return { ok: false, problems };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset whose prefix is valid UTF-8. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, col };
}

const SAVE_AS_UTF8 = 'save the file as UTF-8';

/** Decodes the file strictly as UTF-8: a BOM is skipped; UTF-16/32, NULs and invalid bytes are refused. */
export function decodeSiteBytes(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problems: SiteProblem[] } {
  if (bytes.length > MAX_SITE_BYTES) {
    return {
      ok: false,
      problems: [
        { path: FILE, message: limitMessage(`is ${bytes.length} bytes`, `${MAX_SITE_BYTES} bytes (16 MiB)`) },
      ],
    };
  }
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff)) {
    return {
      ok: false,
      problems: [{ path: FILE, message: `encoding: the file is UTF-32 (byte-order mark); ${SAVE_AS_UTF8}` }],
    };
  }
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    return {
      ok: false,
      problems: [{ path: FILE, message: `encoding: the file is UTF-16 (byte-order mark); ${SAVE_AS_UTF8}` }],
    };
  }
  const body = starts(0xef, 0xbb, 0xbf) ? bytes.subarray(3) : bytes;
  const bad = firstInvalidUtf8(body);
  const nul = body.indexOf(0);
  if (nul >= 0 && (bad < 0 || nul < bad)) {
    const at = bytePosition(body, nul);
    return {
      ok: false,
      problems: [
        {
          path: `line ${at.line}, column ${at.col}`,
          message: `encoding: a NUL byte, which UTF-8 text never holds (UTF-16 without a byte-order mark, or a binary file); ${SAVE_AS_UTF8}`,
        },
      ],
    };
  }
  if (bad >= 0) {
    const at = bytePosition(body, bad);
    return {
      ok: false,
      problems: [
        {
          path: `line ${at.line}, column ${at.col}`,
          message: `encoding: byte 0x${body[bad].toString(16).padStart(2, '0')} is not valid UTF-8 (a Latin-1 or Shift JIS file?); ${SAVE_AS_UTF8}`,
        },
      ],
    };
  }
  return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
}

type Key = string | number;

function formatKeys(path: readonly Key[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  return out === '' ? '(root)' : out;
}

/**
 * Walks the YAML tree (not the JS value: the tree has positions and the source of each scalar) and
 * reports keys, sizes and numbers the loader refuses. Iterative, so depth costs no stack.
 */
function treeProblems(root: Node | null, where: (node: Node) => string): SiteProblem[] {
  const problems: SiteProblem[] = [];
  const stack: { node: Node; path: Key[] }[] = root ? [{ node: root, path: [] }] : [];
  while (stack.length > 0 && problems.length < 100) {
    const { node, path } = stack.pop()!;
    const at = () => formatKeys(path);
    if (path.length > MAX_DEPTH) {
      problems.push({
        path: at(),
        message: limitMessage(`nests ${path.length} levels deep (${where(node)})`, `${MAX_DEPTH} levels`),
      });
      continue;
    }
    if (isMap(node)) {
      if (node.items.length > MAX_ITEMS) {
        problems.push({ path: at(), message: limitMessage(`has ${node.items.length} keys`, `${MAX_ITEMS}`) });
        continue;
      }
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        const key = isPair(pair) ? pair.key : undefined;
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
          problems.push({
            path: at(),
            message: `has a key that is not a plain name (${key && isNode(key) ? where(key) : 'empty'}); keys are names like nodes or ip`,
          });
          continue;
        }
        const name = String(key.value);
        if (name === '__proto__') {
          problems.push({
            path: formatKeys([...path, name]),
            message: `is a reserved name (${where(key)}): JavaScript would read it as the object's prototype and drop it; remove it`,
          });
          continue;
        }
        if (isNode(pair.value)) stack.push({ node: pair.value, path: [...path, name] });
      }
    } else if (isSeq(node)) {
      if (node.items.length > MAX_ITEMS) {
        problems.push({
          path: at(),
          message: limitMessage(`has ${node.items.length} items`, `${MAX_ITEMS}`),
        });
        continue;
      }
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (isNode(item)) stack.push({ node: item, path: [...path, i] });
      }
    } else if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'number' && !Number.isFinite(value)) {
        problems.push({
          path: at(),
          message: `${node.source ?? String(value)} is not a finite number (${where(node)}); write a number in range, or quote it if it is text`,
        });
      } else if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        problems.push({
          path: at(),
          message: `${node.source ?? String(value)} is too large to be read exactly (${where(node)}); integers are at most 2^53`,
        });
      } else if (typeof value === 'string' && value.length > MAX_STRING) {
        problems.push({
          path: at(),
          message: limitMessage(
            `is a string of ${value.length} characters (${where(node)})`,
            `${MAX_STRING}`,
          ),
        });
      }
    }
  }
  return problems;
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value) || isAlias(value);
}

/** Parses site text as one YAML document into a plain value, or the problems that stop it. */
export function readSiteYaml(text: string): InputResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const where = (node: Node) => (node.range ? position(node.range[0]) : 'unknown position');
  const yamlProblems: SiteProblem[] = [];
  if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) {
    const first = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION')!;
    return fail({
      path: position(first.pos[0]),
      message: limitMessage('YAML: the collections nest too deep to read', `${MAX_DEPTH} levels`),
    });
  }
  for (const e of doc.errors) {
    yamlProblems.push({ path: position(e.pos[0]), message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  for (const w of doc.warnings) {
    yamlProblems.push({
      path: position(w.pos[0]),
      message: `YAML: ${w.message.split('\n')[0]} (a warning, which a site file may not have: ouchi would otherwise read the value differently from what you wrote)`,
    });
  }
  if (yamlProblems.length > 0) return fail(...yamlProblems);
  const aliasProblems: SiteProblem[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        aliasProblems.push({
          path: alias.range ? position(alias.range[0]) : '(yaml)',
          message: `YAML: alias *${alias.source} has no anchor &${alias.source} before it; define the anchor first or write the value out`,
        });
      }
    },
  });
  if (aliasProblems.length > 0) return fail(...aliasProblems);
  const tree = treeProblems(doc.contents, where);
  if (tree.length > 0) return fail(...tree);
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    let first: string | undefined;
    visit(doc, {
      Alias(_, alias) {
        first = alias.range ? position(alias.range[0]) : undefined;
        return visit.BREAK;
      },
    });
    const reason = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(reason)) {
      return fail({
        path: first ?? '(yaml)',
        message: limitMessage(
          'YAML: the aliases expand too far (the first alias is here)',
          `${MAX_ALIAS_COUNT} expanded aliases`,
        ),
      });
    }
    return fail({ path: '(yaml)', message: `YAML: cannot be read (${reason})` });
  }
}
