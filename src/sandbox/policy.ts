import { isAbsolute, resolve } from 'node:path'
import type { CommandRules } from './command-policy.ts'

/** `sandbox` in colony.json, with paths resolved. */
export interface SandboxPolicy extends CommandRules {
  network: boolean
  /** Extra absolute paths commands may read (bubblewrap mode). */
  readable: readonly string[]
  /** Extra absolute paths commands may write (bubblewrap mode). */
  writable: readonly string[]
  /** Extra environment variable names passed to commands. */
  env: readonly string[]
  /** Resident memory of the whole process tree. */
  memoryMb: number
  /** Processes alive at once in the tree. */
  processes: number
  /** Output kept per command; output beyond 64 times this ends the command. */
  outputBytes: number
}

/** `sandbox` as written in colony.json: paths may be relative to the repository. */
export type SandboxSettings = Omit<SandboxPolicy, 'readable' | 'writable'> & { readable: readonly string[]; writable: readonly string[]; mode: 'auto' | 'bubblewrap' | 'host' }

export function sandboxPolicy(settings: SandboxSettings, repositoryRoot: string): SandboxPolicy {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(repositoryRoot, path))
  return { ...settings, readable: settings.readable.map(absolute), writable: settings.writable.map(absolute) }
}
