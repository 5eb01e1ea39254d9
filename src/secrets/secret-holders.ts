import { readdirSync, readFileSync } from 'node:fs'
import { environmentWithSecrets } from './held-secrets.ts'
import { isSecretName } from './secret-names.ts'

export interface SecretHolder {
  pid: number
  command: string
  /** The credentials (by name) found in its environment; never their values. */
  names: string[]
}

/** Values shorter than this say nothing about where a credential went. */
const minimumValueLength = 8

/**
 * Other processes of this machine whose environment (as /proc shows it to
 * anyone running as the same user) holds one of Colony's credentials: the
 * shell or `npx` that started Colony, typically. An agent's command in host
 * mode can read them all; Colony can only point at them.
 */
export function processesHoldingSecrets(): SecretHolder[] {
  const secrets = Object.entries(environmentWithSecrets()).filter((entry): entry is [string, string] => isSecretName(entry[0]) && (entry[1]?.length ?? 0) >= minimumValueLength)
  if (secrets.length === 0) return []
  const holders: SecretHolder[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, 'latin1')
      const names = secrets.filter(([, value]) => environment.includes(value)).map(([name]) => name)
      if (names.length === 0) continue
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 80)
      holders.push({ pid: Number(entry), command, names })
    } catch {
      // Gone, or not this user's to read (and so not an agent's either).
    }
  }
  return holders
}
