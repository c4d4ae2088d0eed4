import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Checks an AWS Signature Version 4 the way AWS does, so every client of the local endpoint (the SDK,
 * the hook's signed fetch) proves its signing against it, not only that it sends a header.
 */

export interface SignedRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/` */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [key = '', value = ''] = pair.split('=').map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
      return [encode(key), encode(value)] as const;
    })
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Why the signature is refused, or undefined when it verifies with `secretFor(accessKeyId)`. */
export function signatureProblem(request: SignedRequest, secretFor: (accessKeyId: string) => string | undefined, now = Date.now()): string | undefined {
  const authorization = String(request.headers.authorization ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return 'the Authorization header is not an AWS4-HMAC-SHA256 signature';
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return `unknown access key ${accessKeyId}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return 'X-Amz-Date is missing or does not match the credential scope';
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'the signature expired (X-Amz-Date is more than 15 minutes away)';
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return 'the host header is not signed';
  const headerLines = names.map((name) => {
    const value = request.headers[name];
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
  });
  const [path = '/', query = ''] = request.url.split('?', 2);
  const canonical = [request.method, path, canonicalQuery(query), headerLines.join(''), signedHeaders, sha256(request.body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? undefined : 'the signature does not match the request';
}
