// One OS process in the contract suite's races. Prints a JSON report on stdout.
//   node race-child.ts claim LOCATION RUN_ID OWNER
//   node race-child.ts increment LOCATION TASK_ID COUNT
//   node race-child.ts locked LOCATION TASK_ID COUNT    (increments while holding the store's named lock)
import { createBoard } from '../../src/board/index.ts'
import { openStore, VersionConflictError } from '../../src/store/index.ts'

const [mode, location, idText, argument] = process.argv.slice(2)
if (!mode || !location || !idText || !argument) throw new Error('usage: race-child.ts claim|increment LOCATION ID ARG')
const store = await openStore(location, { busyTimeoutMs: 60_000 })
const errors: string[] = []

if (mode === 'claim') {
  const board = createBoard({ store, leaseMs: 600_000 })
  const owner = argument
  const claimed: number[] = []
  for (;;) {
    let task
    try {
      task = await board.claim({ runId: Number(idText), owner })
    } catch (error) {
      errors.push(String(error))
      break
    }
    if (!task) break
    claimed.push(task.id)
    try {
      task = await board.advance(task, 'running')
      task = await board.advance(task, 'integrating')
      await board.advance(task, 'merged', { result: { commit: owner } })
    } catch (error) {
      errors.push(String(error))
    }
  }
  console.log(JSON.stringify({ owner, claimed, errors }))
} else if (mode === 'locked') {
  let conflicts = 0
  const owner = `locker-${process.pid}`
  for (let done = 0; done < Number(argument); done++) {
    while (!(await store.tryLock('counter', owner, 30_000))) await new Promise((resolve) => setTimeout(resolve, 2))
    const task = await store.getTask(Number(idText))
    try {
      await store.updateTask(task.id, task.version, { priority: task.priority + 1 })
    } catch (error) {
      if (error instanceof VersionConflictError) conflicts++
      else errors.push(String(error))
    }
    await store.unlock('counter', owner)
  }
  console.log(JSON.stringify({ conflicts, errors }))
} else {
  let conflicts = 0
  for (let done = 0; done < Number(argument); ) {
    const task = await store.getTask(Number(idText))
    try {
      await store.updateTask(task.id, task.version, { priority: task.priority + 1 })
      done++
    } catch (error) {
      if (error instanceof VersionConflictError) conflicts++
      else {
        errors.push(String(error))
        break
      }
    }
  }
  console.log(JSON.stringify({ conflicts, errors }))
}
await store.close()
