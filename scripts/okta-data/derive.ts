/**
 * Derives the project's copy of Okta data (`test/fixtures/okta-spec/`, `test/fixtures/okta-recordings/`)
 * from the reference material beside the repository (`../shared/okta/`), so tests never read outside the
 * repository. Run by hand when the spec or the recordings change, never by the tests:
 *
 *   npx tsx scripts/okta-data/derive.ts [path/to/shared/okta]
 *
 * The spec copy keeps, for the operations the project calls or simulates, only what validation needs:
 * each operation's request and response schemas, every schema they reach (discriminator targets
 * included), and the examples they name. Prose (descriptions, summaries, per-schema `example`s) is
 * dropped, which takes 382 KB of YAML to a small JSON file that parses in milliseconds.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = resolve(process.argv[2] ?? join(REPO, '../shared/okta'));
const SPEC_OUT = join(REPO, 'test/fixtures/okta-spec');
const RECORDINGS_OUT = join(REPO, 'test/fixtures/okta-recordings');

/** Paths of the management API that the project calls, simulates or will check (System Log, Hook Keys). */
const PATH_PREFIXES = ['/api/v1/inlineHooks', '/api/v1/authorizationServers', '/api/v1/hook-keys', '/api/v1/logs'];
const METHODS = ['get', 'post', 'put', 'delete'];
/**
 * Schemas of the full spec outside the subset that the simulator's tests check answers against: the
 * apps, their credentials, custom scopes and authorization server keys behind an OAUTH hook channel;
 * and the bodies the rotation sends to add a client secret or a client key.
 */
const FULL_SPEC_SCHEMAS = [
  'AuthorizationServerJsonWebKey',
  'OAuth2ClientJsonWebKeyRsaRequest',
  'OAuth2ClientJsonWebKeyRsaResponse',
  'OAuth2ClientSecret',
  'OAuth2ClientSecretRequestBody',
  'OAuth2Scope',
  'OpenIdConnectApplication',
];
/** The token inline hook callback (Okta to the hook), kept as a pseudo-operation. */
const TOKEN_HOOK_WEBHOOK = 'create-token-hook';

const SCHEMA_REF = /#\/components\/schemas\/([A-Za-z0-9_.-]+)/g;
const EXAMPLE_REF = /#\/components\/examples\/([A-Za-z0-9_.-]+)/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: Json; examples?: JsonObject }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: Json; examples?: JsonObject }> }>;
}

interface Spec {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  'x-webhooks': Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonObject>;
    examples: Record<string, JsonObject>;
    responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  };
}

/** Keywords that only document: dropped everywhere a schema (not a property map) is. */
const PROSE = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'title']);
/** Keywords whose value is a map of names to schemas, where a key named `description` is a property. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

function stripSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(stripSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (PROSE.has(key) || key.startsWith('x-')) continue;
    // Ajv refuses `nullable` without a `type` (beside a `$ref` or `allOf`), where it adds nothing.
    if (key === 'nullable' && !('type' in node)) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, stripSchema(schema)]));
    } else if (key === 'enum' || key === 'default' || key === 'const' || key === 'discriminator') {
      out[key] = value;
    } else {
      out[key] = stripSchema(value);
    }
  }
  return out;
}

function refsIn(value: unknown, pattern: RegExp): string[] {
  return [...JSON.stringify(value).matchAll(pattern)].map((match) => match[1]!);
}

function trimOperation(spec: Spec, operation: Operation, roots: Set<string>, examples: Set<string>): JsonObject {
  const out: JsonObject = {};
  if (operation.operationId) out['operationId'] = operation.operationId;
  const request = operation.requestBody?.content?.['application/json'];
  if (request?.schema) out['request'] = stripSchema(request.schema);
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const resolved = response.$ref ? spec.components.responses[response.$ref.split('/').pop()!] : response;
    const schema = resolved?.content?.['application/json']?.schema;
    if (schema) responses[status] = stripSchema(schema);
  }
  out['responses'] = responses;
  for (const name of refsIn(out, SCHEMA_REF)) roots.add(name);
  for (const name of refsIn([request?.examples, operation.responses], EXAMPLE_REF)) examples.add(name);
  return out;
}

function readSpec(file: string): Spec {
  // The full spec shares blocks through many YAML aliases.
  return parse(readFileSync(join(SOURCE, 'openapi', file), 'utf8'), { maxAliasCount: -1 }) as Spec;
}

/** `roots` and every schema they reach in `spec`, prose stripped, added to `into`. */
function addClosure(spec: Spec, roots: Iterable<string>, into: Record<string, Json>): void {
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name in into) continue;
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`the spec refers to schema '${name}' but does not define it`);
    into[name] = stripSchema(schema);
    // Discriminator mappings name their targets as strings, not $refs: follow those too.
    pending.push(...refsIn(schema, SCHEMA_REF));
  }
}

function deriveSpec(): void {
  const specFile = 'subset-inlinehooks-authz-policies.yaml';
  const spec = readSpec(specFile);
  const roots = new Set<string>();
  const exampleNames = new Set<string>();
  const paths: Record<string, JsonObject> = {};
  for (const [template, item] of Object.entries(spec.paths)) {
    if (!PATH_PREFIXES.some((prefix) => template.startsWith(prefix))) continue;
    const methods: JsonObject = {};
    for (const method of METHODS) {
      if (item[method]) methods[method] = trimOperation(spec, item[method], roots, exampleNames);
    }
    paths[template] = methods;
  }
  const webhook = trimOperation(spec, spec['x-webhooks'][TOKEN_HOOK_WEBHOOK]!['post']!, roots, exampleNames);

  const schemas: Record<string, Json> = {};
  addClosure(spec, roots, schemas);
  // The subset was cut unchanged from the full spec, so a schema in both is the same schema.
  addClosure(readSpec('management-oneOfInheritance.yaml'), FULL_SPEC_SCHEMAS, schemas);
  const examples: Record<string, Json> = {};
  for (const name of [...exampleNames].sort()) {
    const example = spec.components.examples[name];
    if (!example) throw new Error(`the spec refers to example '${name}' but does not define it`);
    examples[name] = { value: example['value'] ?? null };
  }

  const copy = {
    source: {
      repo: 'okta/okta-management-openapi-spec',
      license: 'Apache-2.0',
      file: `dist/current/management-oneOfInheritance.yaml (through ${specFile} for the paths)`,
      version: spec.info.version,
    },
    paths,
    webhooks: { [TOKEN_HOOK_WEBHOOK]: { post: webhook } },
    components: { schemas: sortKeys(schemas), examples },
  };
  mkdirSync(SPEC_OUT, { recursive: true });
  writeFileSync(join(SPEC_OUT, 'okta-spec.json'), `${JSON.stringify(copy, null, 1)}\n`);
  console.log(`okta-spec.json: ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas, ${Object.keys(examples).length} examples`);
}

interface Interaction {
  index: number;
  method: string;
  path: string;
  query: string;
  requestBody: Json;
  status: number;
  responseHeaders: Record<string, string[]>;
  responseBody: Json;
  distinct: boolean;
}

/** The recordings as replayable data: the calls in order, answers without the headers that vary by run. */
function deriveRecordings(): void {
  const scenarios = JSON.parse(readFileSync(join(SOURCE, 'recordings', 'scenarios.json'), 'utf8')) as (JsonObject & {
    interactions: Interaction[];
  })[];
  const trimmed = scenarios.map(({ interactions, ...scenario }) => ({
    ...scenario,
    interactions: interactions.map(({ responseHeaders, distinct: _distinct, ...call }) => ({
      ...call,
      ...(responseHeaders['Link'] ? { responseLink: responseHeaders['Link'] } : {}),
    })),
  }));
  mkdirSync(RECORDINGS_OUT, { recursive: true });
  // One call per line: readable diffs when the recordings change, a third of the pretty-printed size.
  const lines = trimmed.map(({ interactions, ...scenario }) => {
    const head = JSON.stringify(scenario).slice(0, -1);
    return `${head},"interactions":[\n${interactions.map((call) => `  ${JSON.stringify(call)}`).join(',\n')}\n]}`;
  });
  writeFileSync(join(RECORDINGS_OUT, 'scenarios.json'), `[\n${lines.join(',\n')}\n]\n`);
  const calls = trimmed.reduce((sum, scenario) => sum + scenario.interactions.length, 0);
  console.log(`scenarios.json: ${trimmed.length} scenarios, ${calls} calls`);

  const requestsIn = join(SOURCE, 'recordings', 'token-hook-requests');
  const requestsOut = join(RECORDINGS_OUT, 'token-hook-requests');
  mkdirSync(requestsOut, { recursive: true });
  for (const file of readdirSync(requestsIn).filter((name) => name.endsWith('.json'))) {
    writeFileSync(join(requestsOut, file), readFileSync(join(requestsIn, file)));
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

deriveSpec();
deriveRecordings();
