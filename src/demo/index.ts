export { runDemo, demoGoal, demoProject, type DemoOptions } from './run-demo.ts'
export { demoScript } from './demo-script.ts'
