export { runDemo, demoGoal, demoProject, type DemoOptions } from './run-demo.ts'
export { createDemoDirectory, DemoDirectoryExistsError, DemoDirectoryUnusableError, type DemoDirectory } from './demo-directory.ts'
export { demoScript } from './demo-script.ts'
