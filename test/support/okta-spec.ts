import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates values against Okta's official OpenAPI spec (the project's trimmed copy in
 * `test/fixtures/okta-spec/`, see its README), so tests check our requests, the simulator's answers and
 * the hook's responses against Okta's own schemas, never against a hand copy.
 */
const SPEC_PATH = fileURLToPath(new URL('../fixtures/okta-spec/okta-spec.json', import.meta.url));
const SPEC_ID = 'okta';
const SCHEMA_PREFIX = '#/components/schemas/';

type SchemaRef = { $ref?: string; items?: { $ref?: string }; type?: string };

interface OpenApiCopy {
  paths: Record<string, Record<string, { request?: SchemaRef; responses: Record<string, SchemaRef> }>>;
  components: { schemas: Record<string, unknown>; examples: Record<string, { value: unknown }> };
}

let cached: { ajv: Ajv; spec: OpenApiCopy } | undefined;

function load(): { ajv: Ajv; spec: OpenApiCopy } {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiCopy;
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (readOnly, discriminator): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema(spec as object, SPEC_ID);
  cached = { ajv, spec };
  return cached;
}

const validators = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (!validate) {
    const { ajv, spec } = load();
    if (!(schemaName in spec.components.schemas)) throw new Error(`no schema '${schemaName}' in the Okta spec`);
    validate = ajv.getSchema(`${SPEC_ID}${SCHEMA_PREFIX}${schemaName}`);
    if (!validate) throw new Error(`cannot compile schema '${schemaName}'`);
    validators.set(schemaName, validate);
  }
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

/** The spec's verdict on `value` as a `schemaName` (e.g. 'InlineHook', 'TokenHookResponse'): '' when valid. */
export function specErrors(schemaName: string, value: unknown): string {
  const validate = validatorFor(schemaName);
  return validate(value) ? '' : describe(validate.errors);
}

/** Throws with the failing paths unless `value` is a valid `schemaName` of the Okta spec. */
export function assertMatchesSpec(schemaName: string, value: unknown): void {
  const errors = specErrors(schemaName, value);
  if (errors) throw new Error(`not a valid Okta ${schemaName}: ${errors}`);
}

/**
 * Errors of a hook `channel` against the create-channel schema its `type` maps to ('' when valid).
 * `InlineHookChannelCreate` picks HTTP or OAUTH by a discriminator, which ajv does not follow for
 * OpenAPI's implicit mapping, so the mapping is applied here.
 */
export function channelSpecErrors(channel: { type?: unknown }): string {
  const base = load().spec.components.schemas['InlineHookChannelCreate'] as { discriminator: { mapping: Record<string, string> } };
  const target = base.discriminator.mapping[String(channel.type)];
  if (!target) return `channel type ${String(channel.type)} is not in the spec's mapping`;
  return specErrors(target.replace(SCHEMA_PREFIX, ''), channel);
}

/** A named example of the spec (e.g. 'TokenPayLoadExample'), deep-copied so tests may change it. */
export function specExample<T = unknown>(name: string): T {
  const example = load().spec.components.examples[name];
  if (!example) throw new Error(`no example '${name}' in the Okta spec`);
  return structuredClone(example.value) as T;
}

/** The spec's JSON schema of a request or response body of an operation, by path template and method. */
export function operationSchemaName(
  pathTemplate: string,
  method: string,
  part: 'request' | { status: string },
): string | undefined {
  const operation = load().spec.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) return undefined;
  const schema = part === 'request' ? operation.request : operation.responses[part.status];
  const ref = schema?.$ref ?? schema?.items?.$ref;
  return ref?.replace(SCHEMA_PREFIX, '');
}
