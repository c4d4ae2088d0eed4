import { SEED, startOktaSimulator } from './index.js';

/** `npm run okta:sim`: the simulator on `PORT` (default 8787), until Ctrl-C. */
const port = Number(process.env.PORT ?? 8787);
const simulator = await startOktaSimulator({
  port,
  ...(process.env.OKTA_SIM_LOG === '1' ? { log: (line: object) => console.log(JSON.stringify(line)) } : {}),
});

console.log(`Okta simulator listening on ${simulator.url}`);
console.log(`SSWS token: ${simulator.apiToken}`);
console.log(`Try: curl -H "Authorization: SSWS ${simulator.apiToken}" ${simulator.url}/api/v1/authorizationServers/default/policies`);
console.log(`Seeded: authorization servers '${SEED.defaultServer.id}' and '${SEED.partnerServer.id}', clients ${SEED.webClient.clientId} (web) and ${SEED.serviceClient.clientId} (service), user ${SEED.user.login}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
