import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The dashboard `colony serve` serves at /, built into dist/web by `npm run build`.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true },
  logLevel: 'warn',
})
