/** Environment variable names whose values are credentials. */
const secretName = /(KEY|TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|PRIVATE|SESSION|COOKIE|AUTH)/i

/** Variables that carry credentials although their names do not say so. */
const knownSecretNames = new Set(['SSH_AUTH_SOCK', 'COLONY_STORE', 'DATABASE_URL', 'PGPASSWORD', 'NPM_CONFIG__AUTH', 'GPG_AGENT_INFO'])

export function isSecretName(name: string): boolean {
  return knownSecretNames.has(name.toUpperCase()) || secretName.test(name)
}
