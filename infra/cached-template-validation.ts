import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationValidatePlugin, type IPolicyValidationContext, type PolicyValidationPluginReport } from 'aws-cdk-lib';

const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/okta-token-hook/template-validation/', import.meta.url));

const requireFromCdk = createRequire(createRequire(import.meta.url).resolve('aws-cdk-lib'));
/** Read from package.json files: asking the engine its version would load its 9 MB of WebAssembly. */
const CDK_VERSION = (requireFromCdk('./package.json') as { version: string }).version;
const ENGINE_VERSION = (requireFromCdk('@aws/cloudformation-validate/package.json') as { version: string }).version;

/**
 * CDK's built-in CloudFormation validation, remembering its report per template. Building its engine
 * costs about 10 s of CPU per process, most of a synth; the report depends only on the templates, the
 * stacks' account and region, and the versions of the engine and of aws-cdk-lib (which sets its rules and
 * exclusions). So an unchanged template gets the report the engine gave it, and any change runs the
 * engine again. Registered on the App, it takes the place of the built-in instance and keeps its name,
 * so CDK reports and acknowledges its findings as it does the built-in plugin's.
 */
export class CachedTemplateValidation extends CloudFormationValidatePlugin {
  /** @param cacheDir where the reports are kept. @default node_modules/.cache/okta-token-hook/template-validation */
  constructor(private readonly cacheDir: string = DEFAULT_CACHE_DIR) {
    super();
  }

  override get version(): string {
    return ENGINE_VERSION;
  }

  override get ruleIds(): string[] {
    return [ENGINE_VERSION];
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const templates = context.stackTemplates.map((stack) => ({ ...stack, content: readFileSync(stack.templatePath, 'utf8') }));
    const key = createHash('sha256')
      .update(
        JSON.stringify({
          cdk: CDK_VERSION,
          engine: ENGINE_VERSION,
          stacks: templates.map((t) => [t.stackConstructPath, basename(t.templatePath), t.accountId, t.region, t.content]),
        }),
      )
      .digest('hex');
    const file = join(this.cacheDir, `${key}.json`);
    // Report paths name the output directory of the run: kept as the index of their stack.
    const paths = templates.map((t) => t.templatePath);
    const cached = readCached(file);
    if (cached) return mapTemplatePaths(cached, (index) => paths[Number(index)] ?? index);
    const report = super.validate(context);
    const stored = mapTemplatePaths(report, (path) => String(paths.indexOf(path)));
    mkdirSync(this.cacheDir, { recursive: true });
    // Parallel synths (the tests run three) each write whole files: a reader never sees half of one.
    const scratch = `${file}.${process.pid}`;
    writeFileSync(scratch, JSON.stringify(stored));
    renameSync(scratch, file);
    return report;
  }
}

function readCached(file: string): PolicyValidationPluginReport | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PolicyValidationPluginReport;
  } catch {
    return undefined;
  }
}

function mapTemplatePaths(report: PolicyValidationPluginReport, map: (path: string) => string): PolicyValidationPluginReport {
  return {
    ...report,
    violations: report.violations.map((violation) => ({
      ...violation,
      violatingResources: violation.violatingResources.map((resource) =>
        resource.templatePath === undefined ? resource : { ...resource, templatePath: map(resource.templatePath) },
      ),
    })),
  };
}
