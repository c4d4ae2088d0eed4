import type { SimAuthorizationServer, SimClient, SimPolicy, SimRule, SimState, SimUser } from './model.js';

/** Ids of the seeded org, stable across runs so tests and the sandbox can name them. */
export const SEED = {
  defaultServer: { id: 'default', name: 'default', audience: 'api://default' },
  defaultPolicy: { id: '00pq8lGaLlI8APuqY0g3', name: 'Default Policy' },
  /** The contract's §4.2 example rule, without an inline hook, as Okta answers it (grant types sorted). */
  defaultRule: { id: '0prbsjfyl01zfSZ9K0h7', name: 'Default Policy Rule' },
  partnerServer: { id: 'ausPartnerApiSim0g3', name: 'Partner API', audience: 'api://partner' },
  servicePolicy: { id: '00pServicePolicy0g3', name: 'Service Policy' },
  serviceWriteRule: { id: '0prServiceWrite00g3', name: 'Partner writers' },
  serviceReadRule: { id: '0prServiceRead000g3', name: 'Partner readers' },
  webPolicy: { id: '00pWebAppsPolicy0g3', name: 'Web Apps Policy' },
  webAdminRule: { id: '0prWebAdmins0000g3', name: 'Admins' },
  webEveryoneRule: { id: '0prWebEveryone00g3', name: 'Everyone' },
  /** A web app: authorization code and refresh token, with a user. */
  webClient: { clientId: '0oaWebAppSim00000g3', name: 'Sample web app' },
  /** A service app: client credentials, no user. */
  serviceClient: { clientId: '0oaServiceSim0000g3', name: 'Sample service app' },
  /** The default user of user grants; member of the admins group. */
  user: { id: '00usimUser1xample0g3', login: 'ada.lovelace@example.com' },
  /** A user outside the admins group. */
  otherUser: { id: '00usimUser2xample0g3', login: 'grace.hopper@example.com' },
  adminsGroup: '00gSimAdmins00000g3',
  everyoneGroup: 'EVERYONE',
} as const;

const SEEDED_AT = '2026-01-05T09:00:00.000Z';

function rule(fields: Partial<SimRule> & Pick<SimRule, 'id' | 'name' | 'priority' | 'conditions'>): SimRule {
  return {
    type: 'RESOURCE_ACCESS',
    status: 'ACTIVE',
    system: false,
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    ...fields,
  };
}

function policy(fields: Pick<SimPolicy, 'id' | 'name' | 'description' | 'priority' | 'rules'> & { clients: string[] }): SimPolicy {
  const { clients, ...rest } = fields;
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    status: 'ACTIVE',
    system: false,
    conditions: { clients: { include: clients } },
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    ...rest,
  };
}

/** The scopes Okta gives every custom authorization server. */
export const OIDC_SCOPES = {
  openid: 'scpq7bW1cp6dcvrz80g3',
  profile: 'scpq7cWJ81CIP5Qkr0g3',
  email: 'scpq7dxsoz6LQlRj00g3',
  offline_access: 'scpq7eOfflineAcc0g3',
};

function defaultServer(): SimAuthorizationServer {
  return {
    id: SEED.defaultServer.id,
    name: SEED.defaultServer.name,
    description: 'Default Authorization Server for your Applications',
    audiences: [SEED.defaultServer.audience],
    issuerMode: 'ORG_URL',
    status: 'ACTIVE',
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    rotationMode: 'AUTO',
    lastRotated: SEEDED_AT,
    scopes: { ...OIDC_SCOPES, 'orders:read': 'scpOrdersRead0000g3' },
    policies: [
      policy({
        ...SEED.defaultPolicy,
        description: 'Default policy description',
        priority: 1,
        clients: ['ALL_CLIENTS'],
        rules: [
          rule({
            ...SEED.defaultRule,
            priority: 1,
            created: '2017-08-25T16:57:02.000Z',
            lastUpdated: '2017-08-30T14:51:05.000Z',
            conditions: {
              people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
              grantTypes: { include: ['authorization_code', 'client_credentials', 'implicit', 'password'] },
              scopes: { include: ['*'] },
            },
          }),
        ],
      }),
    ],
  };
}

function partnerServer(): SimAuthorizationServer {
  return {
    id: SEED.partnerServer.id,
    name: SEED.partnerServer.name,
    description: 'A second custom authorization server with two policies',
    audiences: [SEED.partnerServer.audience],
    issuerMode: 'ORG_URL',
    status: 'ACTIVE',
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    rotationMode: 'AUTO',
    lastRotated: SEEDED_AT,
    scopes: { ...OIDC_SCOPES, 'partner.read': 'scpPartnerRead000g3', 'partner.write': 'scpPartnerWrite00g3' },
    policies: [
      policy({
        ...SEED.servicePolicy,
        description: 'Service apps only',
        priority: 1,
        clients: [SEED.serviceClient.clientId],
        rules: [
          rule({
            ...SEED.serviceWriteRule,
            priority: 1,
            conditions: {
              people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
              grantTypes: { include: ['client_credentials'] },
              scopes: { include: ['partner.write'] },
            },
            actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
          }),
          rule({
            ...SEED.serviceReadRule,
            priority: 2,
            conditions: {
              people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
              grantTypes: { include: ['client_credentials'] },
              scopes: { include: ['*'] },
            },
          }),
        ],
      }),
      policy({
        ...SEED.webPolicy,
        description: 'Every client, users signing in',
        priority: 2,
        clients: ['ALL_CLIENTS'],
        rules: [
          rule({
            ...SEED.webAdminRule,
            priority: 1,
            conditions: {
              people: { users: { include: [], exclude: [] }, groups: { include: [SEED.adminsGroup], exclude: [] } },
              grantTypes: { include: ['authorization_code'] },
              scopes: { include: ['*'] },
            },
            actions: { token: { accessTokenLifetimeMinutes: 30, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
          }),
          rule({
            ...SEED.webEveryoneRule,
            priority: 2,
            conditions: {
              people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
              grantTypes: { include: ['authorization_code', 'implicit'] },
              scopes: { include: ['*'] },
            },
          }),
        ],
      }),
    ],
  };
}

function clients(): SimClient[] {
  return [
    {
      clientId: SEED.webClient.clientId,
      name: SEED.webClient.name,
      type: 'CONFIDENTIAL',
      // implicit too, for the implicit and hybrid flows.
      grantTypes: ['authorization_code', 'implicit', 'refresh_token'],
      redirectUri: 'https://app.example.com/callback',
    },
    {
      clientId: SEED.serviceClient.clientId,
      name: SEED.serviceClient.name,
      type: 'CONFIDENTIAL',
      grantTypes: ['client_credentials'],
    },
  ];
}

function users(): SimUser[] {
  return [
    {
      id: SEED.user.id,
      passwordChanged: '2025-11-02T10:15:00.000Z',
      profile: {
        login: SEED.user.login,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: SEED.user.login,
        locale: 'en_GB',
        timeZone: 'Europe/London',
      },
      groups: ['EVERYONE', SEED.adminsGroup],
    },
    {
      id: SEED.otherUser.id,
      passwordChanged: '2025-10-20T08:00:00.000Z',
      profile: {
        login: SEED.otherUser.login,
        firstName: 'Grace',
        lastName: 'Hopper',
        email: SEED.otherUser.login,
        locale: 'en_US',
        timeZone: 'America/New_York',
      },
      groups: ['EVERYONE'],
    },
  ];
}

/**
 * A fresh org: two custom authorization servers (none without API Access Management), two clients, two
 * users, no inline hooks.
 */
export function seedState(options: { authorizationServers: boolean } = { authorizationServers: true }): SimState {
  return {
    inlineHooks: [],
    authorizationServers: options.authorizationServers ? [defaultServer(), partnerServer()] : [],
    clients: clients(),
    users: users(),
  };
}
