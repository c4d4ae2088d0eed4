import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachedTemplateValidation } from '../../infra/cached-template-validation.js';

// One engine is built for the whole file (about 10 s of CPU, a minute on two busy cores): every synth
// below shares this plugin, or meets the cache and builds none.
const ENGINE_TIMEOUT_MS = 180_000;
const cacheDir = mkdtempSync(join(tmpdir(), 'template-validation-'));
const sharedPlugin = new CachedTemplateValidation(cacheDir);

/** Synthesizes a stack holding one topic with `properties`; returns the validation failure, if any. */
function synthTopic(properties: Record<string, unknown>, plugin: CachedTemplateValidation): string | undefined {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk.out-validation-'));
  const app = new App({ outdir, analyticsReporting: false, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  new CfnResource(new Stack(app, 'Topics'), 'Topic', { type: 'AWS::SNS::Topic', properties });
  Validations.of(app).addPlugins(plugin);
  try {
    app.synth();
    return undefined;
  } catch (error) {
    // The report names the run's output directory: the same finding reads the same once that is masked.
    return String(error).replaceAll(outdir, '<outdir>');
  }
}

describe('CachedTemplateValidation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fails the synth with the engine finding, then with the same finding from the cache without the engine', () => {
    const engine = vi.spyOn(CloudFormationValidatePlugin.prototype, 'validate');

    const first = synthTopic({ TopicName: 'alarms', DisplayNam: 'typo' }, sharedPlugin);
    const again = synthTopic({ TopicName: 'alarms', DisplayNam: 'typo' }, new CachedTemplateValidation(cacheDir));

    expect(first).toContain("ERROR DisplayNam: Additional properties are not allowed ('DisplayNam' was unexpected.");
    expect(first).toContain("Acknowledge with 'CloudFormation-Validate::F3002'");
    expect(again).toBe(first);
    expect(engine).toHaveBeenCalledTimes(1);
    expect(readdirSync(cacheDir)).toHaveLength(1);
  }, ENGINE_TIMEOUT_MS);

  it('runs the engine again for a changed template and passes a valid one, the built-in validation not beside it', () => {
    const engine = vi.spyOn(CloudFormationValidatePlugin.prototype, 'validate');

    const failure = synthTopic({ TopicName: 'alarms', DisplayName: 'Alarms' }, sharedPlugin);
    const again = synthTopic({ TopicName: 'alarms', DisplayName: 'Alarms' }, new CachedTemplateValidation(cacheDir));

    expect(failure).toBeUndefined();
    expect(again).toBeUndefined();
    // Once for the new template; the built-in plugin would have run on each synth.
    expect(engine).toHaveBeenCalledTimes(1);
  });
});
