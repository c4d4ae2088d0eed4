import { afterEach, describe, expect, it } from 'vitest';
import { startFunctionUrlEmulator, type FunctionUrlEmulator } from '../../../infra/local/function-url-emulator.js';

let emulator: FunctionUrlEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function capture(result: unknown = { statusCode: 204 }) {
  const events: Record<string, any>[] = [];
  emulator = await startFunctionUrlEmulator({
    handler: (event) => {
      events.push(event);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { url: emulator.url, events };
}

describe('startFunctionUrlEmulator', () => {
  it('builds a payload-2.0 event with lower-cased headers, the raw path and query', async () => {
    const { url, events } = await capture();

    await fetch(`${url}hook/path?a=1&b=two&a=3`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custom': 'v' }, body: '{"x":1}' });

    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/hook/path',
      rawQueryString: 'a=1&b=two&a=3',
      queryStringParameters: { a: '1,3', b: 'two' },
      headers: { 'content-type': 'application/json', 'x-custom': 'v' },
      requestContext: { http: { method: 'POST', path: '/hook/path', protocol: 'HTTP/1.1' }, stage: '$default' },
      body: '{"x":1}',
      isBase64Encoded: false,
    });
    expect(event?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('base64-encodes bodies that are not text, and omits an empty body', async () => {
    const { url, events } = await capture();

    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) });
    await fetch(url);

    expect(events[0]).toMatchObject({ body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });
    expect(events[1]).toMatchObject({ isBase64Encoded: false, requestContext: { http: { method: 'GET' } } });
    expect(events[1]).not.toHaveProperty('body');
  });

  it('maps a structured result to status, headers and a (base64-decoded) body', async () => {
    const { url } = await capture({ statusCode: 201, headers: { 'x-answer': 'yes' }, body: Buffer.from('hello').toString('base64'), isBase64Encoded: true });

    const response = await fetch(url, { method: 'POST' });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.text()).toBe('hello');
  });

  it('answers a bare object as a 200 JSON body, as Function URLs do', async () => {
    const { url } = await capture({ ok: true });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers 502 when the handler throws', async () => {
    const { url } = await capture(new Error('boom'));

    const response = await fetch(url);

    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('boom');
  });

  it('refuses bodies over the Function URL limit with 413 without calling the handler', async () => {
    const events: unknown[] = [];
    emulator = await startFunctionUrlEmulator({ handler: (event) => void events.push(event), maxBodyBytes: 10 });

    const response = await fetch(emulator.url, { method: 'POST', body: 'x'.repeat(11) });

    expect(response.status).toBe(413);
    expect(events).toEqual([]);
  });
});
