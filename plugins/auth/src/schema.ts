// Table and column names of @backlex/auth: better-auth's models mapped to snake_case
// `backlex_auth_*` tables, and the tables this plugin adds (roles, API keys).

/** Physical table names. */
export const TABLES = {
  users: 'backlex_auth_users',
  sessions: 'backlex_auth_sessions',
  accounts: 'backlex_auth_accounts',
  verifications: 'backlex_auth_verifications',
  roles: 'backlex_auth_roles',
  userRoles: 'backlex_auth_user_roles',
  apiKeys: 'backlex_auth_api_keys',
  firstAdmin: 'backlex_auth_first_admin',
} as const

/** better-auth's model options: table names and camelCase fields mapped to snake_case columns. */
export const betterAuthModels = {
  user: {
    modelName: TABLES.users,
    fields: {
      emailVerified: 'email_verified',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
  },
  session: {
    modelName: TABLES.sessions,
    fields: {
      expiresAt: 'expires_at',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
      ipAddress: 'ip_address',
      userAgent: 'user_agent',
      userId: 'user_id',
    },
  },
  account: {
    modelName: TABLES.accounts,
    fields: {
      accountId: 'account_id',
      providerId: 'provider_id',
      userId: 'user_id',
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      idToken: 'id_token',
      accessTokenExpiresAt: 'access_token_expires_at',
      refreshTokenExpiresAt: 'refresh_token_expires_at',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
  },
  verification: {
    modelName: TABLES.verifications,
    fields: {
      expiresAt: 'expires_at',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
  },
} as const
