import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildRepoMap } from './repo-map/index.ts'

/** Instructions a repository keeps for coding agents, in the order they are looked for. */
const repositoryInstructionFiles = ['AGENTS.md', 'CLAUDE.md']

/** The file's text, or undefined when the repository has no such file. */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    // Only absence is expected; a file that is there but cannot be read ends the attempt with the reason, rather than the agent working without the repository's rules.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * An agent's system prompt: the role's instructions (the caller's text,
 * e.g. roles/worker.md), the repository's own AGENTS.md or CLAUDE.md, and a
 * repo map cut to a token budget (0 leaves it out).
 *
 * @example
 *   const instructions = readModelText(new URL('./worker.md', import.meta.url))
 *   const system = await buildSystemPrompt({ instructions, workspace: worktree, repoMapTokens: 2_000 })
 */
export async function buildSystemPrompt(options: { instructions: string; workspace: string; repoMapTokens: number; focus?: readonly string[] }): Promise<string> {
  const sections = [options.instructions.trim()]
  for (const name of repositoryInstructionFiles) {
    const text = await readIfPresent(join(options.workspace, name))
    if (text?.trim()) sections.push(`# The repository's instructions for agents (${name})\n\n${text.trim()}`)
  }
  if (options.repoMapTokens > 0) {
    const map = await buildRepoMap(options.workspace, { tokenBudget: options.repoMapTokens, ...(options.focus && { focus: options.focus }) })
    if (map) sections.push(`# Repository map (definitions, most referenced first; line│ code)\n\n${map.trimEnd()}`)
  }
  return sections.join('\n\n')
}
