/**
 * The client's one logging hook: a JSON-able event per request, retry and token fetch. Events carry
 * operation, method, path, status, X-Okta-Request-Id, attempt and wait; never a header, body or token.
 */
export type OktaLog = (event: Readonly<Record<string, unknown>>) => void;

export const silentLog: OktaLog = () => {};

/** One JSON line per event on stdout (what Lambda's JSON log format expects). */
export const jsonLineLog: OktaLog = (event) => {
  console.log(JSON.stringify(event));
};
