import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Validates values against Okta's official OpenAPI spec (the copy in `shared/okta/openapi/`), so tests
 * check our requests, the simulator's answers and the hook's responses against Okta's own schemas,
 * never against a hand copy.
 */
const SPEC_PATH = fileURLToPath(
  new URL('../../../shared/okta/openapi/subset-inlinehooks-authz-policies.yaml', import.meta.url),
);
const SPEC_ID = 'okta';

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; examples: Record<string, { value: unknown }> };
}

let cached: { ajv: Ajv; spec: OpenApiDocument } | undefined;

function load(): { ajv: Ajv; spec: OpenApiDocument } {
  if (cached) return cached;
  const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, x-okta-*): not strict.
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
    validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
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
  const operation = load().spec.paths[pathTemplate]?.[method.toLowerCase()] as
    | {
        requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
        responses?: Record<string, { content?: Record<string, { schema?: SchemaRef }> }>;
      }
    | undefined;
  if (!operation) return undefined;
  const schema =
    part === 'request'
      ? operation.requestBody?.content?.['application/json']?.schema
      : operation.responses?.[part.status]?.content?.['application/json']?.schema;
  return refName(schema);
}

type SchemaRef = { $ref?: string; items?: { $ref?: string }; type?: string };

function refName(schema: SchemaRef | undefined): string | undefined {
  const ref = schema?.$ref ?? schema?.items?.$ref;
  return ref?.replace('#/components/schemas/', '');
}
