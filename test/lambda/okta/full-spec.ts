import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * The parts of Okta's spec the subset (`test/support/okta-spec.ts`) cannot check: the subset keeps
 * `InlineHookChannelCreate` but not the HTTP and OAUTH channel schemas its discriminator maps to, so a
 * hook's `channel.config` would go unchecked. This reads them from the full spec file. Parsing all of
 * its 3.4 MB takes seconds, so only the needed schema entries are cut out of the text and parsed.
 */
const FULL_SPEC_PATH = fileURLToPath(
  new URL('../../../../shared/okta/openapi/management-oneOfInheritance.yaml', import.meta.url),
);

const SCHEMA_PREFIX = '#/components/schemas/';

let loaded: { ajv: Ajv; mapping: Record<string, string> } | undefined;

/** One entry of `components.schemas` (indented four spaces), parsed on its own. */
function schemaEntry(text: string, schemasAt: number, name: string): Record<string, unknown> {
  const start = text.indexOf(`\n    ${name}:\n`, schemasAt);
  if (start < 0) throw new Error(`no schema '${name}' in the full Okta spec`);
  const next = /\n {0,4}\S/g;
  next.lastIndex = start + 1;
  const end = next.exec(text)?.index ?? text.length;
  const entry = parse(text.slice(start + 1, end).replace(/^ {4}/gm, '')) as Record<string, Record<string, unknown>>;
  return entry[name]!;
}

/** `name` and every schema it refers to, transitively. */
function closure(text: string, schemasAt: number, name: string, into: Record<string, unknown>): void {
  if (name in into) return;
  into[name] = schemaEntry(text, schemasAt, name);
  for (const [, ref] of JSON.stringify(into[name]).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
    closure(text, schemasAt, ref!, into);
  }
}

function load(): { ajv: Ajv; mapping: Record<string, string> } {
  if (loaded) return loaded;
  const text = readFileSync(FULL_SPEC_PATH, 'utf8');
  const schemasAt = text.indexOf('\n  schemas:\n', text.indexOf('\ncomponents:\n'));
  const channel = schemaEntry(text, schemasAt, 'InlineHookChannelCreate') as { discriminator?: { mapping?: Record<string, string> } };
  const mapping = channel.discriminator?.mapping ?? {};
  const needed: Record<string, unknown> = {};
  for (const target of Object.values(mapping)) closure(text, schemasAt, target.replace(SCHEMA_PREFIX, ''), needed);
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
  (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(ajv);
  ajv.addSchema({ components: { schemas: needed } }, 'okta-full');
  loaded = { ajv, mapping };
  return loaded;
}

/** Errors of `channel` against the create-channel schema its `type` maps to ('' when valid). */
export function channelSpecErrors(channel: { type?: unknown }): string {
  const { ajv, mapping } = load();
  const target = mapping[String(channel.type)];
  if (!target) return `channel type ${String(channel.type)} is not in the spec's mapping`;
  const validate = ajv.getSchema(`okta-full${target}`);
  if (!validate) return `cannot compile ${target}`;
  return validate(channel) ? '' : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
