import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Schemas of Okta's full spec that the subset leaves out (apps, their credentials, custom scopes,
 * authorization server keys). Parsing all 3.4 MB of it takes over ten seconds, so each schema entry is
 * cut out of the text and parsed with the entries it refers to, transitively.
 */
const FULL_SPEC_PATH = fileURLToPath(new URL('../../../shared/okta/openapi/management-oneOfInheritance.yaml', import.meta.url));
const SPEC_ID = 'okta-full-schemas';

let loaded: { text: string; schemasAt: number; ajv: Ajv; schemas: Record<string, unknown> } | undefined;
const validators = new Map<string, ValidateFunction>();
let compiled = 0;

/** Ajv refuses `nullable` beside a `$ref` or `allOf` (no `type`); it adds nothing there. */
function dropTypelessNullable(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropTypelessNullable);
  else if (node && typeof node === 'object') {
    const object = node as Record<string, unknown>;
    if ('nullable' in object && !('type' in object)) delete object.nullable;
    Object.values(object).forEach(dropTypelessNullable);
  }
}

function load() {
  if (loaded) return loaded;
  const text = readFileSync(FULL_SPEC_PATH, 'utf8');
  const schemasAt = text.indexOf('\n  schemas:\n', text.indexOf('\ncomponents:\n'));
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
  (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(ajv);
  loaded = { text, schemasAt, ajv, schemas: {} };
  return loaded;
}

/** The indented block that starts at the line of `from`: the line and every deeper one after it. */
function block(text: string, from: number): string {
  const lineStart = text.lastIndexOf('\n', from) + 1;
  const indent = /^ */.exec(text.slice(lineStart))![0].length;
  const next = new RegExp(`\\n {0,${indent}}\\S`, 'g');
  next.lastIndex = from;
  const end = next.exec(text)?.index ?? text.length;
  return text.slice(lineStart, end).replace(new RegExp(`^ {${indent}}`, 'gm'), '');
}

/** The spec reuses some blocks through YAML anchors (`&ref_1`); a cut-out entry gets them inlined as JSON. */
function inlineAliases(text: string, entry: string): string {
  return entry.replace(/\*(ref_\d+)/g, (_, anchor: string) => {
    const at = text.indexOf(`&${anchor}\n`);
    if (at < 0) throw new Error(`no anchor ${anchor} in the full Okta spec`);
    const parsed = parse(inlineAliases(text, block(text, at)).replace(`&${anchor}`, '')) as Record<string, unknown>;
    return JSON.stringify(Object.values(parsed)[0]);
  });
}

function schemaEntry(text: string, schemasAt: number, name: string): Record<string, unknown> {
  const start = text.indexOf(`\n    ${name}:\n`, schemasAt);
  if (start < 0) throw new Error(`no schema '${name}' in the full Okta spec`);
  const entry = parse(inlineAliases(text, block(text, start + 1))) as Record<string, Record<string, unknown>>;
  return entry[name]!;
}

function closure(name: string, into: Record<string, unknown>): void {
  if (name in into) return;
  const { text, schemasAt } = load();
  into[name] = schemaEntry(text, schemasAt, name);
  for (const [, ref] of JSON.stringify(into[name]).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) closure(ref!, into);
}

/** The spec's verdict on `value` as the full spec's `schemaName`: '' when valid. */
export function fullSpecErrors(schemaName: string, value: unknown): string {
  let validate = validators.get(schemaName);
  if (!validate) {
    const state = load();
    const needed: Record<string, unknown> = {};
    closure(schemaName, needed);
    dropTypelessNullable(needed);
    const id = `${SPEC_ID}-${++compiled}`;
    state.ajv.addSchema({ components: { schemas: needed } }, id);
    validate = state.ajv.getSchema(`${id}#/components/schemas/${schemaName}`)!;
    validators.set(schemaName, validate);
  }
  return validate(value) ? '' : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
