import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildRepoMap } from './repo-map/index.ts'

export type PromptRole = 'planner' | 'worker' | 'judge'

/** Instructions a repository keeps for coding agents, in the order they are looked for. */
const repositoryInstructionFiles = ['AGENTS.md', 'CLAUDE.md']

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * A role's system prompt: its instructions (prompts/<role>.md), the
 * repository's own AGENTS.md or CLAUDE.md, and a repo map cut to a token
 * budget (0 leaves it out).
 */
export async function buildSystemPrompt(options: { role: PromptRole; workspace: string; repoMapTokens: number; focus?: readonly string[] }): Promise<string> {
  const sections = [(await readFile(new URL(`./prompts/${options.role}.md`, import.meta.url), 'utf8')).trim()]
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
