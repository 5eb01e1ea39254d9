export { createApp, type ServerOptions } from './app.ts'
