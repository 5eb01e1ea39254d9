export { runDemo, demoGoal, demoProject, DemoDirectoryExistsError, type DemoOptions } from './run-demo.ts'
export { demoScript } from './demo-script.ts'
