import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for one JSON request, with `node:crypto` alone: the hook's key read signs
 * this way because every SigV4 library we measured loads `fetch` or WebCrypto at cold start, which
 * costs more than the read itself (`npm run bench`). Tests check it against aws4fetch and against the
 * local Secrets Manager, which verifies signatures as AWS does.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Lambda's temporary credentials come with one. */
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names; all are signed, with `host` and `x-amz-date` (and the session token) added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly credentials: AwsCredentials;
  readonly region: string;
  readonly service: string;
  /** @default the current time */
  readonly date?: Date;
}

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (text: string): string => text.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** AWS encodes each path segment twice for every service but S3. */
const canonicalPath = (pathname: string): string => rfc3986(encodeURIComponent(pathname.replace(/\/+/g, '/')).replace(/%2F/g, '/'));

/** The request's headers with `host`, `x-amz-date`, the session token and `authorization` added. */
export function signRequest(input: SignInput): Record<string, string> {
  const { credentials, url } = input;
  const amzDate = (input.date ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...input.headers,
    host: url.host,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    input.method,
    canonicalPath(url.pathname),
    '',
    names.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaders,
    sha256(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  const signature = hmac(key, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).toString('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
