import { describe, expect, it } from 'vitest';
import { InvalidPropertiesError } from '../../../lambda/registrar/errors.js';
import { parseDeleteProperties, parseProperties, sameOrg } from '../../../lambda/registrar/properties.js';
import { loadFixture } from '../../support/fixtures.js';

type Event = { ResourceProperties: Record<string, unknown> };

describe('parseProperties', () => {
  it('reads what CloudFormation passes: strings for booleans, defaults for the optional fields', () => {
    const raw = loadFixture<Event>('registrar', 'create').ResourceProperties;
    delete raw['AuthHeader'];
    delete raw['Verify'];

    const properties = parseProperties(raw);

    expect(properties).toMatchObject({ ReplaceExistingHook: false, Verify: true, RetainOnDelete: false, AuthHeader: 'Authorization' });
  });

  it('names every invalid property', () => {
    const raw = loadFixture<Event>('registrar', 'create-invalid').ResourceProperties;

    expect(() => parseProperties(raw)).toThrow(InvalidPropertiesError);
    expect(() => parseProperties(raw)).toThrow(/HookUrl.*Target\.Rule.*Verify|HookUrl[\s\S]*Verify[\s\S]*Target/);
  });

  it('refuses the header the registrar keeps for itself', () => {
    const raw = { ...loadFixture<Event>('registrar', 'create').ResourceProperties, Headers: [{ Key: 'x-token-hook-replaces', Value: 'x' }] };

    expect(() => parseProperties(raw)).toThrow(/reserved by the registrar/);
  });
});

describe('parseDeleteProperties', () => {
  it('reads properties written by an older version of the resource', () => {
    const raw = loadFixture<Event>('registrar', 'delete-legacy-properties').ResourceProperties;

    const properties = parseDeleteProperties(raw);

    expect(properties.RetainOnDelete).toBe(false);
    expect(properties.Target).toEqual({ AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' });
  });

  it('reads a retained resource without a target', () => {
    expect(parseDeleteProperties({ CredentialsSecretArn: 'arn:x', RetainOnDelete: 'true' })).toMatchObject({ RetainOnDelete: true });
  });

  it('fails clearly without the credentials it needs to reach Okta', () => {
    expect(() => parseDeleteProperties({ OrgUrl: 'https://example.okta.com' })).toThrow(/CredentialsSecretArn/);
  });
});

describe('sameOrg', () => {
  it('ignores a trailing slash and the case of the host', () => {
    expect(sameOrg('https://Example.okta.com/', 'https://example.okta.com')).toBe(true);
    expect(sameOrg('https://a.okta.com', 'https://b.okta.com')).toBe(false);
  });
});
