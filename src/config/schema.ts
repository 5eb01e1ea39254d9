import { z } from 'zod'
import { defaultCommandRules } from '../sandbox/command-policy.ts'
import { branchNameProblem } from './branch-name.ts'

const modelSpec = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*:.+$/, 'expected "provider:model", e.g. "anthropic:claude-sonnet-4-5" or "openai:gpt-5.2"')

const commandList = z.array(z.string().min(1, 'a command cannot be empty'))

/** Why a workspace.link or workspace.copy entry cannot be used, or undefined when it can. */
function workspacePathProblem(path: string): string | undefined {
  const parts = path.split(/[\\/]/)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character'
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'is an absolute path'
  if (path.startsWith('~')) return 'is in the home directory, outside the repository'
  if (parts.includes('..')) return 'leads out of the repository through ".."'
  if (parts.every((part) => part === '' || part === '.')) return 'is the repository itself'
  if (parts.includes('.git')) return "leads into git's own files (.git)"
  if (parts[0] === '.colony' || (parts[0] === '.' && parts[1] === '.colony')) return "leads into Colony's own state (.colony)"
  return undefined
}

const workspacePath = z
  .string()
  .min(1, 'a path cannot be empty')
  .superRefine((path, context) => {
    const problem = workspacePathProblem(path)
    if (problem) context.addIssue({ code: 'custom', message: `${JSON.stringify(path)} ${problem}; expected a path or glob relative to the repository root that stays inside it, e.g. "node_modules" or "packages/*/node_modules"` })
  })

const branchName = z.string().superRefine((name, context) => {
  const problem = branchNameProblem(name)
  if (problem) context.addIssue({ code: 'custom', message: `${problem.problem}; ${problem.hint}` })
})

/** The agent CLIs Colony can run as workers (src/agents has one adapter for each). */
export const agentCliNames = ['claude-code', 'codex', 'opencode', 'qwen-code'] as const

const agentCliSpec = z.strictObject({
  cli: z.enum(agentCliNames, `expected one of ${agentCliNames.map((name) => JSON.stringify(name)).join(', ')}`),
  /** The model it talks to, through a colony.json provider of a type the CLI speaks. */
  model: modelSpec,
  /** The executable, when it is not the CLI's usual name on PATH. */
  command: z.string().min(1).optional(),
  /** No output from the CLI for this long: it is stuck and is stopped. */
  stallMinutes: z.number().positive().default(10),
})

/** What a person can be told about (src/notify): something waits for them, the run ended, the budget is nearly spent. */
export const notifyKinds = ['needs-you', 'run-ended', 'budget'] as const

/** `${NAME}` in a webhook's address or a header's value: the environment variable's value, read when the run starts. */
export const environmentReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

const webhookAddress = z.string().superRefine((address, context) => {
  let url: URL | undefined
  try {
    url = new URL(address.replace(environmentReference, 'x'))
  } catch {
    url = undefined
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) context.addIssue({ code: 'custom', message: 'expected an http:// or https:// address, e.g. "https://hooks.example.com/colony" (a secret part may be "${NAME}", read from the environment)' })
})

/** Header names whose values are credentials: they must come from the environment. */
const credentialHeader = /auth|token|key|secret|password|cookie|signature/i

const notifyHeaders = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name, e.g. "Authorization"'), z.string())
  .superRefine((headers, context) => {
    for (const [name, value] of Object.entries(headers)) {
      if (credentialHeader.test(name) && value.match(environmentReference) === null) {
        context.addIssue({ code: 'custom', path: [name], message: `put the secret in an environment variable and write "\${NAME}" here, e.g. "Bearer \${HOOK_TOKEN}"; secrets never go in colony.json` })
      }
    }
  })

/** `colony.json` (DESIGN.md, Configuration). Unknown keys are refused: a typo is the usual cause. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  models: z
    .strictObject({
      default: modelSpec.optional(),
      planner: modelSpec.optional(),
      worker: modelSpec.optional(),
      judge: modelSpec.optional(),
    })
    .default({}),
  /** Agent CLIs as workers (one, or several taken in turn by task id: a mixed run), as the planner and as the judge. */
  agents: z
    .strictObject({
      worker: z.union([agentCliSpec, z.array(agentCliSpec).min(1, 'list at least one agent CLI, or leave "worker" out')]).optional(),
      planner: agentCliSpec.optional(),
      judge: agentCliSpec.optional(),
    })
    .default({}),
  providers: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a provider name is lower-case letters, digits, - and _'),
      z
        .strictObject({
          type: z
            .enum(['openai-compatible', 'openai', 'anthropic', 'google', 'ollama', 'llama-cpp'], 'expected one of "openai-compatible", "openai", "anthropic", "google", "ollama", "llama-cpp"')
            .default('openai-compatible'),
          baseURL: z.url('expected a URL such as "http://127.0.0.1:8000/v1"').optional(),
          apiKey: z
            .string()
            .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'write "env:NAME" and put the key in the environment variable NAME; keys never go in colony.json')
            .optional(),
          /** OpenAI only: the Responses API (default) or Chat Completions. */
          api: z.enum(['responses', 'chat'], 'expected "responses" or "chat"').optional(),
          /** llama-cpp only: the GGUF file. */
          modelPath: z.string().min(1).optional(),
          /** llama-cpp only: tokens per context sequence; by default as many as free memory allows, up to the model's training size. */
          contextSize: z.int().min(256, 'a context under 256 tokens cannot hold a prompt').optional(),
          /** llama-cpp only: how many calls the model serves at once (each its own context sequence); the rest wait. */
          parallel: z.int().min(1).max(64).optional(),
          /** llama-cpp only: CPU threads for evaluation; by default node-llama-cpp's choice for this machine. */
          threads: z.int().min(1).optional(),
        })
        .refine((provider) => provider.type !== 'openai-compatible' || provider.baseURL !== undefined, { message: 'an openai-compatible provider needs "baseURL"', path: ['baseURL'] })
        .refine((provider) => provider.type !== 'llama-cpp' || provider.modelPath !== undefined, { message: 'a llama-cpp provider needs "modelPath", the path of a .gguf file', path: ['modelPath'] }),
    )
    .default({}),
  /** Dollars per million tokens, by "provider:model"; extends and overrides the built-in table. */
  prices: z
    .record(
      modelSpec,
      z.strictObject({ input: z.number().min(0), output: z.number().min(0), cachedInput: z.number().min(0).optional(), contextWindow: z.int().positive().optional() }),
    )
    .default({}),
  model: z
    .strictObject({
      maxRetries: z.int().min(0).max(20).default(4),
      timeoutSeconds: z.number().positive().default(600),
      maxOutputTokens: z.int().positive().default(8192),
    })
    .prefault({}),
  context: z
    .strictObject({
      /** Used when the model's window is not known from the price table. */
      windowTokens: z.int().min(1_000).default(128_000),
      /** Old turns are compacted when a request would pass this share of the window. */
      compactAt: z.number().gt(0).lt(1).default(0.7),
      /** Tool results this many steps old or older are replaced by a one-line stub. */
      maskToolResultsAfter: z.int().min(1).default(8),
      repoMapTokens: z.int().min(0).default(2_000),
      /** What memory puts in each worker's and planner's first request, at most (0: none; recall still works). */
      memoryTokens: z.int().min(0).default(1_500),
    })
    .prefault({}),
  workers: z.int('expected a whole number of workers, e.g. 8').min(1).max(1000).default(4),
  target: branchName.default('colony/main'),
  /** A git remote (e.g. "origin") holding the target branch, for runs whose processes work in different clones (other machines). */
  remote: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a git remote name such as "origin"').optional(),
  checks: z
    .strictObject({ fast: commandList.default([]), full: commandList.default([]) })
    .default({ fast: [], full: [] }),
  budget: z
    .strictObject({
      usd: z.number().positive().optional(),
      tokens: z.int().positive().optional(),
      hours: z.number().positive().optional(),
    })
    .default({}),
  approval: z.strictObject({ plan: z.boolean().default(false), merge: z.boolean().default(false) }).default({ plan: false, merge: false }),
  /** How each new worktree is prepared (docs/real-repositories.md). */
  workspace: z
    .strictObject({
      /** overlay: copy-on-write over one shared checkout per target commit; worktree: a full git worktree each; auto: overlay where the kernel allows it (docs/workspaces.md). */
      kind: z.enum(['auto', 'overlay', 'worktree']).default('auto'),
      setup: commandList.default([]),
      /** Paths or globs (`**\/node_modules`) in the repository, given to each worktree as a writable view of the shared copy. */
      link: z.array(workspacePath).default([]),
      /** Paths or globs copied into each worktree. */
      copy: z.array(workspacePath).default([]),
    })
    .default({ kind: 'auto', setup: [], link: [], copy: [] }),
  limits: z
    .strictObject({
      maxAttempts: z.int().min(1).default(3),
      attemptMinutes: z.number().positive().default(30),
      cycleMinutes: z.number().positive().default(240),
      leaseSeconds: z.int().min(5).default(60),
      /** Fast gates one process runs at once (the others wait their turn); the number of CPU cores when unset. */
      gatesAtOnce: z.int().min(1).optional(),
      steps: z.int().min(1).default(100),
      diffLines: z.int().min(1).default(2000),
    })
    .default({ maxAttempts: 3, attemptMinutes: 30, cycleMinutes: 240, leaseSeconds: 60, steps: 100, diffLines: 2000 }),
  sandbox: z
    .strictObject({
      mode: z.enum(['auto', 'bubblewrap', 'host'], 'expected "auto" (bubblewrap when it works here), "bubblewrap" (refuse to run without it) or "host"').default('auto'),
      network: z.boolean().default(false),
      readable: z.array(z.string().min(1)).default([]),
      writable: z.array(z.string().min(1)).default([]),
      env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. "NODE_OPTIONS"')).default([]),
      approve: commandList.default([...defaultCommandRules.approve]),
      refuse: commandList.default([...defaultCommandRules.refuse]),
      memoryMb: z.int().min(64, 'at least 64 MB; real builds need far more').default(4096),
      processes: z.int().min(8).default(512),
      outputBytes: z.int().min(1_000).default(100_000),
    })
    .prefault({}),
  scheduling: z.strictObject({ allowOverlap: z.boolean().default(false) }).default({ allowOverlap: false }),
  /** Telling a person when something needs them (docs/config.md, Notifications). */
  notify: z
    .strictObject({
      webhook: webhookAddress.optional(),
      headers: notifyHeaders.default({}),
      /** `notify-send`, when it is on PATH and there is a desktop session to show it in. */
      desktop: z.boolean().default(false),
      events: z.array(z.enum(notifyKinds, `expected one of ${notifyKinds.map((kind) => JSON.stringify(kind)).join(', ')}`)).min(1, 'name at least one, or leave "events" out for all of them').default([...notifyKinds]),
      /** The dashboard's address (`colony serve`), given as each notification's link. */
      dashboard: z.url('expected the dashboard\'s address, e.g. "http://127.0.0.1:4317"').optional(),
    })
    .optional(),
})

export type AgentCliSpec = z.infer<typeof agentCliSpec>
export type NotifyKind = (typeof notifyKinds)[number]
export type NotifySettings = NonNullable<z.infer<typeof configSchema>['notify']>
export type ColonyConfig = z.infer<typeof configSchema>
