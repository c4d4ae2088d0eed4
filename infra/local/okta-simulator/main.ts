import { SEED, startOktaSimulator } from './index.js';

/**
 * `npm run okta:sim [-- --classic]`: the simulator on `PORT` (default 8787), until Ctrl-C. `--classic`
 * starts an org without API Access Management (no custom authorization servers: 401 `E0000015`).
 */
const USAGE = 'usage: npm run okta:sim [-- --classic]';
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--classic');
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')}; ${USAGE}`);
  process.exit(2);
}
const classic = args.includes('--classic');
const port = Number(process.env.PORT ?? 8787);
const simulator = await startOktaSimulator({
  port,
  apiAccessManagement: !classic,
  ...(process.env.OKTA_SIM_LOG === '1' ? { log: (line: object) => console.log(JSON.stringify(line)) } : {}),
});

console.log(`Okta simulator listening on ${simulator.url}`);
console.log(`SSWS token: ${simulator.apiToken}`);
if (classic) {
  console.log('A classic org without API Access Management: authorization server calls answer 401 E0000015.');
  console.log(`Try: curl -H "Authorization: SSWS ${simulator.apiToken}" ${simulator.url}/api/v1/inlineHooks`);
} else {
  console.log(`Try: curl -H "Authorization: SSWS ${simulator.apiToken}" ${simulator.url}/api/v1/authorizationServers/default/policies`);
  console.log(`Seeded: authorization servers '${SEED.defaultServer.id}' and '${SEED.partnerServer.id}', clients ${SEED.webClient.clientId} (web) and ${SEED.serviceClient.clientId} (service), user ${SEED.user.login}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
