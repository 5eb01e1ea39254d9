import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { LocalModelUnavailableError } from '../errors.ts'
import { SequencePool } from './sequence-pool.ts'

type NodeLlamaCpp = typeof import('node-llama-cpp')

export interface LocalModelOptions {
  modelPath: string
  /** Tokens per sequence; undefined lets node-llama-cpp fit it to free memory, up to the model's training size. */
  contextSize: number | undefined
  /** How many calls the model serves at once; the others wait their turn. */
  parallel: number
  /** CPU threads; undefined lets node-llama-cpp choose. */
  threads: number | undefined
}

export interface LoadedLocalModel {
  module: NodeLlamaCpp
  sequences: SequencePool
}

const keptLogLines = 20

const loaded = new Map<string, Promise<LoadedLocalModel>>()
// node-llama-cpp keeps one llama.cpp per process, so its log lines are the process's, whichever model they concern.
let llama: Promise<import('node-llama-cpp').Llama> | undefined
let logs: string[] = []

/** llama.cpp's warnings since the last time they were taken: a call reports them as its warnings rather than printing them over the live view. */
export function takeLlamaLogs(): string[] {
  const taken = logs
  logs = []
  return taken
}

/**
 * Loads node-llama-cpp (an optional peer dependency, imported only when a
 * `llama-cpp` provider is used) and the GGUF file once per process: every role
 * and worker using the same file shares its weights and context.
 */
export function loadLocalModel(options: LocalModelOptions): Promise<LoadedLocalModel> {
  const modelPath = resolve(options.modelPath)
  const key = JSON.stringify({ ...options, modelPath })
  let model = loaded.get(key)
  if (!model) {
    model = load({ ...options, modelPath })
    loaded.set(key, model)
    model.catch(() => loaded.delete(key))
  }
  return model
}

async function load(options: LocalModelOptions): Promise<LoadedLocalModel> {
  if (!existsSync(options.modelPath)) {
    throw new LocalModelUnavailableError(`the model file ${options.modelPath} does not exist`, 'set "modelPath" of the llama-cpp provider in colony.json to a .gguf file on this machine')
  }
  const moduleName = 'node-llama-cpp'
  let module: NodeLlamaCpp
  try {
    module = (await import(moduleName)) as NodeLlamaCpp
  } catch (error) {
    throw new LocalModelUnavailableError(`node-llama-cpp is not installed (${(error as Error).message.split('\n')[0]})`)
  }
  llama ??= module.getLlama({
    logLevel: module.LlamaLogLevel.warn,
    logger: (level, message) => {
      logs.push(`llama.cpp ${level}: ${message.trim()}`)
      if (logs.length > keptLogLines) logs.shift()
    },
  })
  llama.catch(() => (llama = undefined))
  const model = await (await llama).loadModel({ modelPath: options.modelPath })
  const context = await model.createContext({
    sequences: options.parallel,
    ...(options.contextSize !== undefined && { contextSize: options.contextSize }),
    ...(options.threads !== undefined && { threads: options.threads }),
  })
  return {
    module,
    sequences: new SequencePool(Array.from({ length: options.parallel }, () => context.getSequence())),
  }
}
