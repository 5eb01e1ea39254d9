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
