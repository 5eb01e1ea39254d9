export { describeMemory, memoryProvenance, staleNotice } from './describe-memory.ts'
export { recallTool } from './recall-tool.ts'
export { memoryForPlanner, memoryForTask, scopePaths } from './memory-context.ts'
export { filesChangedBy, markStaleAfterLanding } from './mark-stale.ts'
