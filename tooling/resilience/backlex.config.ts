// The example app as deployed on PostgreSQL with several instances in mind: its own plugins,
// plus the Database on DATABASE_URL and PubSub over LISTEN/NOTIFY on the same server.
import { defineConfig } from '@backlex/kernel'
import { postgres, postgresPubSub } from '@backlex/postgres'
import app from '../../examples/app/backlex.config.ts'

export default defineConfig({
  ...app,
  plugins: [postgres(), postgresPubSub(), ...app.plugins],
})
