import { createHash, createHmac } from 'node:crypto';

// A bare process reading the key the cheapest way measured: one GetSecretValue over node:http(s),
// signed with node:crypto. Written here on its own, not with the hook's signer, so a slow signer in the
// hook cannot slow its floor down too.
const env = process.env;
const url = new URL(env['AWS_ENDPOINT_URL_SECRETS_MANAGER']!);
const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const body = JSON.stringify({ SecretId: env['API_KEY_SECRET_ARN'] });
const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
const scope = `${amzDate.slice(0, 8)}/${env['AWS_REGION']}/secretsmanager/aws4_request`;
const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', host: url.host, 'x-amz-date': amzDate, 'x-amz-target': 'secretsmanager.GetSecretValue' };
const names = Object.keys(headers).sort().join(';');
const canonical = `POST\n/\n\n${Object.keys(headers).sort().map((name) => `${name}:${headers[name]}\n`).join('')}\n${names}\n${sha256(body)}`;
const key = hmac(hmac(hmac(hmac(`AWS4${env['AWS_SECRET_ACCESS_KEY']}`, amzDate.slice(0, 8)), env['AWS_REGION']!), 'secretsmanager'), 'aws4_request');
const signature = hmac(key, `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`).toString('hex');
headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${env['AWS_ACCESS_KEY_ID']}/${scope}, SignedHeaders=${names}, Signature=${signature}`;

export const secret = await new Promise((resolve, reject) => {
  request(url, { method: 'POST', headers }, (response) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`GetSecretValue answered ${response.statusCode}`))));
  })
    .on('error', reject)
    .end(body);
});
