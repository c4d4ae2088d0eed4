import { describe, expect, it } from 'vitest';
import { nextLink } from '../../../lambda/okta/link-header.js';

describe('nextLink', () => {
  it('finds the next link among several relations', () => {
    const header =
      '<https://x.okta.com/api/v1/authorizationServers?limit=1>; rel="self", <https://x.okta.com/api/v1/authorizationServers?after=aus1&limit=1>; rel="next"';

    expect(nextLink(header)).toBe('https://x.okta.com/api/v1/authorizationServers?after=aus1&limit=1');
  });

  it('keeps commas inside the URL', () => {
    expect(nextLink('<https://x/a?q=a,b>; rel=next')).toBe('https://x/a?q=a,b');
  });

  it('returns undefined on the last page or without a header', () => {
    expect(nextLink('<https://x/a>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
