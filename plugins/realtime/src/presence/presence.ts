// Presence rooms (`presence:<name>`): who is signed in and connected, across instances. Each
// instance tells the others its own members through PubSub (on every change and at each
// heartbeat); a member is present while any instance has a connection of theirs, and an
// instance that stops telling is forgotten after three heartbeats. Live only: a reconnect
// starts with a fresh roster.

import type { LoggerAdapter, Principal, PubSubAdapter, RequestContext } from '@backlex/kernel'
import { encodeEvent } from '@backlex/kernel'
import { presenceTopic } from '../channels.js'
import type { CallerRegistry } from '../credentials.js'
import { RealtimeErrors } from '../errors.js'
import type { SseConnection } from '../sse/connection.js'

/** A member of a room: one per user, however many connections they have. */
export interface PresenceMember {
  id: string
  type: string
  name?: string
}

type PresenceMessage =
  | { kind: 'state'; instance: string; members: PresenceMember[] }
  | { kind: 'sync'; instance: string }

interface Room {
  workspace: string
  name: string
  channel: string
  local: Map<string, { member: PresenceMember; connections: Set<SseConnection> }>
  remote: Map<string, { members: Map<string, PresenceMember>; seenAt: number }>
  stopListening?: () => Promise<void>
  ready: Promise<void>
}

export interface PresenceDeps {
  pubsub: PubSubAdapter
  callers: CallerRegistry
  logger: LoggerAdapter
  heartbeatMs: number
  instance: string
  openConnection(): SseConnection
}

export interface Presence {
  subscribe(ctx: RequestContext, request: Request, room: string): Promise<Response>
  /** Re-announces this instance's members and forgets silent instances. */
  heartbeat(): Promise<void>
  stop(): Promise<void>
}

function memberOf(principal: Principal): PresenceMember {
  const name = principal.attributes?.name
  return {
    id: principal.userId ?? principal.id ?? 'unknown',
    type: principal.type,
    ...(typeof name === 'string' ? { name } : {}),
  }
}

export function createPresence(deps: PresenceDeps): Presence {
  const { pubsub, instance, logger } = deps
  const rooms = new Map<string, Room>()

  const roster = (room: Room): Map<string, PresenceMember> => {
    const all = new Map<string, PresenceMember>()
    for (const { members } of room.remote.values()) for (const [id, m] of members) all.set(id, m)
    for (const [id, { member }] of room.local) all.set(id, member)
    return all
  }

  const broadcast = (room: Room, event: string, data: unknown, except?: SseConnection) => {
    const frame = encodeEvent(event, data)
    for (const { connections } of room.local.values()) {
      for (const connection of connections) if (connection !== except) connection.write(frame)
    }
  }

  /** Sends `join` / `leave` for the difference between two rosters. */
  const announce = (room: Room, before: Map<string, PresenceMember>, except?: SseConnection) => {
    const after = roster(room)
    for (const [id, member] of after) {
      if (!before.has(id)) broadcast(room, 'join', { channel: room.channel, member }, except)
    }
    for (const [id, member] of before) {
      if (!after.has(id)) broadcast(room, 'leave', { channel: room.channel, member })
    }
  }

  const tell = (room: Room) =>
    pubsub
      .publish(presenceTopic(room.workspace, room.name), {
        kind: 'state',
        instance,
        members: [...room.local.values()].map((l) => l.member),
      } satisfies PresenceMessage)
      .catch((error: unknown) =>
        logger.warn('presence could not reach other instances', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )

  function receive(room: Room, raw: unknown) {
    const message = raw as Partial<PresenceMessage> | null
    if (!message || message.instance === instance || typeof message.instance !== 'string') return
    if (message.kind === 'sync') {
      if (room.local.size > 0) void tell(room)
      return
    }
    if (message.kind !== 'state' || !Array.isArray(message.members)) return
    const before = roster(room)
    if (message.members.length === 0) room.remote.delete(message.instance)
    else {
      room.remote.set(message.instance, {
        members: new Map(message.members.map((m) => [m.id, m] as const)),
        seenAt: Date.now(),
      })
    }
    announce(room, before)
  }

  function roomFor(workspace: string, name: string): Room {
    const key = `${workspace}\u0000${name}`
    const existing = rooms.get(key)
    if (existing) return existing
    const room: Room = {
      workspace,
      name,
      channel: `presence:${name}`,
      local: new Map(),
      remote: new Map(),
      ready: Promise.resolve(),
    }
    room.ready = pubsub
      .subscribe(presenceTopic(workspace, name), (m) => receive(room, m))
      .then(async (stop) => {
        room.stopListening = stop
        // Ask the other instances who is here.
        await pubsub.publish(presenceTopic(workspace, name), { kind: 'sync', instance })
      })
    room.ready.catch(() => rooms.get(key) === room && rooms.delete(key))
    rooms.set(key, room)
    return room
  }

  async function leave(room: Room, member: PresenceMember, connection: SseConnection) {
    const entry = room.local.get(member.id)
    if (!entry?.connections.delete(connection)) return
    if (entry.connections.size > 0) return
    const before = roster(room)
    room.local.delete(member.id)
    announce(room, before)
    await tell(room)
    if (room.local.size === 0) {
      const key = `${room.workspace}\u0000${room.name}`
      if (rooms.get(key) === room) rooms.delete(key)
      await room.stopListening?.().catch(() => {})
    }
  }

  return {
    async subscribe(ctx, request, name) {
      const { principal, workspace } = ctx
      if (principal.type === 'anonymous') {
        throw RealtimeErrors.UNAUTHORIZED('Sign in to join a presence channel.')
      }
      const room = roomFor(workspace, name)
      await room.ready
      const connection = deps.openConnection()
      const owner = { end: (code: string, message: string) => connection.close({ code, message }) }
      const caller = deps.callers.acquire(request, workspace, principal, owner)
      const member = memberOf(principal)
      const before = roster(room)
      const entry = room.local.get(member.id) ?? { member, connections: new Set<SseConnection>() }
      entry.connections.add(connection)
      room.local.set(member.id, entry)
      connection.onEnd(() => {
        caller.release(owner)
        void leave(room, member, connection)
      })
      connection.writeNow(
        encodeEvent('roster', { channel: room.channel, members: [...roster(room).values()] }),
      )
      announce(room, before, connection)
      await tell(room)
      return connection.response
    },

    async heartbeat() {
      const expiry = Date.now() - 3 * deps.heartbeatMs
      await Promise.all(
        [...rooms.values()].map(async (room) => {
          const before = roster(room)
          for (const [id, state] of room.remote) if (state.seenAt < expiry) room.remote.delete(id)
          announce(room, before)
          if (room.local.size > 0) await tell(room)
        }),
      )
    },

    async stop() {
      await Promise.all(
        [...rooms.values()].map(async (room) => {
          room.local.clear()
          await tell(room)
          await room.stopListening?.().catch(() => {})
        }),
      )
      rooms.clear()
    },
  }
}
