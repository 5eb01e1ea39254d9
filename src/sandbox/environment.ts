import { isSecretName } from '../secrets/index.ts'

/** What a command needs to behave normally; nothing that authenticates anyone. */
const allowedNames = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'CI', 'NO_COLOR', 'FORCE_COLOR', 'COLORTERM']

/**
 * The environment of a sandboxed command: an allow-list of the parent's
 * variables plus the names the policy adds. A name that looks like a secret
 * is dropped unless the policy names it explicitly, and `SSH_AUTH_SOCK` never
 * passes.
 */
export function sandboxEnvironment(parent: NodeJS.ProcessEnv, extraNames: readonly string[] = []): Record<string, string> {
  const environment: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || name === 'SSH_AUTH_SOCK') continue
    const allowed = allowedNames.includes(name) || name.startsWith('LC_') ? !isSecretName(name) : extraNames.includes(name)
    if (allowed) environment[name] = value
  }
  environment.TMPDIR = '/tmp'
  return environment
}
