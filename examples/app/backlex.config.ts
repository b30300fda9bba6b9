// The complete example's config: accounts and API keys, permission rules, the activity log,
// collections with REST, GraphQL, realtime over SSE and MCP. No Database plugin: the Node preset uses embedded SQLite at
// ./.data/backlex.sqlite, or PostgreSQL when DATABASE_URL is set.
import { activity } from '@backlex/activity'
import { auth } from '@backlex/auth'
import { collections } from '@backlex/collections'
import { graphql } from '@backlex/graphql'
import { defineConfig } from '@backlex/kernel'
import { mcp } from '@backlex/mcp'
import { permissions } from '@backlex/permissions'
import { realtime } from '@backlex/realtime'

export default defineConfig({
  name: 'backlex example app',
  plugins: [
    // The secret comes from AUTH_SECRET (32+ characters); `backlex dev` makes up one if unset.
    auth(),
    permissions(),
    // Who did what: item writes and MCP tool calls, read at GET /api/activity.
    activity(),
    collections(),
    graphql(),
    realtime(),
    mcp(),
  ],
})
