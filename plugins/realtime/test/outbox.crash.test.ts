// No change event is lost: a real server process takes a burst of concurrent item writes over
// HTTP and is killed with SIGKILL mid-burst; after a restart, every write that got a 2xx has
// exactly one event in the log (read as a subscriber reads it: resume from 0), and no event
// exists for a write that did not commit. The server's item write hooks yield to the event loop
// (as hooks doing I/O do), so answers go out while other work is queued. Needs `pnpm build` (the
// server runs the built packages). On both dialects.
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'write-server.ts')
const WORKERS = 20
/** The server is killed once this many writes were acknowledged... */
const KILL_AFTER_ACKS = 150
/** ...or after this long, whichever comes first; the burst is bounded by both. */
const KILL_AFTER_MS = 8_000
const admin = { authorization: 'Bearer admin' }

interface Server {
  child: ChildProcess
  url: string
}

function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line)
        if (line.startsWith('{"url":')) resolve({ child, url: JSON.parse(line).url })
      })
    }
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output.join('\n')}`)))
  })
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })

type Write =
  | { type: 'create'; key: number; title: string }
  | { type: 'update'; key: number; title: string }
  | { type: 'delete'; key: number }

interface Frame {
  id: number
  event: string
  data: { key?: number; data?: { title?: string } }
}

/** Every event of the channel, resuming from 0 as a subscriber would, up to `ready`. */
async function readLog(url: string): Promise<Frame[]> {
  const res = await fetch(`${url}/api/realtime/items:burst/subscribe?lastEventId=0`, {
    headers: admin,
  })
  expect(res.status).toBe(200)
  const reader = res.body?.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (reader && !/\nevent: ready\n/.test(text)) {
    const chunk = await reader.read()
    if (chunk.done) break
    text += decoder.decode(chunk.value, { stream: true })
  }
  await reader?.cancel()
  const frames: Frame[] = []
  for (const block of text.split('\n\n')) {
    const fields = new Map<string, string>()
    for (const line of block.split('\n')) {
      const at = line.indexOf(': ')
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 2))
    }
    const event = fields.get('event')
    if (event === 'create' || event === 'update' || event === 'delete') {
      frames.push({
        id: Number(fields.get('id')),
        event,
        data: JSON.parse(fields.get('data') ?? '{}'),
      })
    }
  }
  return frames
}

/** Writes until the server dies: create, then sometimes update or delete that item. */
async function burst(
  url: string,
  acked: Write[],
  sent: Write[],
  stop: () => boolean,
  onAck: () => void,
  n: number,
) {
  let i = 0
  const send = async (write: Write, method: string, path: string, body?: unknown) => {
    sent.push(write)
    const res = await fetch(`${url}/api/items/burst${path}`, {
      method,
      headers: { ...admin, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    const json = res.status === 204 ? null : ((await res.json()) as { data?: { id: number } })
    if (res.status >= 200 && res.status < 300) {
      acked.push(write)
      onAck()
    }
    return json
  }
  try {
    while (!stop()) {
      const title = `w${n}-${i++}`
      sent.push({ type: 'create', key: -1, title })
      const res = await fetch(`${url}/api/items/burst`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      })
      if (res.status !== 201) continue
      const key = ((await res.json()) as { data: { id: number } }).data.id
      acked.push({ type: 'create', key, title })
      onAck()
      if (stop()) break
      if (i % 3 === 0) {
        await send({ type: 'update', key, title: `${title}u` }, 'PATCH', `/${key}`, {
          title: `${title}u`,
        })
      } else if (i % 3 === 1) {
        await send({ type: 'delete', key }, 'DELETE', `/${key}`)
      }
    }
  } catch {
    // The server was killed: this worker is done.
  }
}

describe.each(dialects)('the event log across kill -9 on $dialect', (dialect) => {
  let database: TestDatabase | undefined
  const children: ChildProcess[] = []
  afterEach(async () => {
    for (const child of children.splice(0)) await killed(child)
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'every acknowledged write has exactly one event, and no event is for an uncommitted write',
    async () => {
      database = await dialect.create()
      const env: Record<string, string> =
        dialect.dialect === 'postgres'
          ? { BURST_PG_URL: database.location, BURST_PG_SCHEMA: database.schema ?? '' }
          : { BURST_SQLITE_FILE: database.location }
      const first = await startServer(env)
      children.push(first.child)

      const acked: Write[] = []
      const sent: Write[] = []
      let dead = false
      // SIGKILL right after an acknowledgement, while other writes are in flight: no graceful
      // shutdown, and no work the server does after answering gets to finish.
      const kill = () => {
        if (dead) return
        dead = true
        first.child.kill('SIGKILL')
      }
      const timer = setTimeout(kill, KILL_AFTER_MS)
      const workers = Array.from({ length: WORKERS }, (_, n) =>
        burst(
          first.url,
          acked,
          sent,
          () => dead,
          () => acked.length >= KILL_AFTER_ACKS && kill(),
          n,
        ),
      )
      await Promise.all(workers)
      clearTimeout(timer)
      await killed(first.child)
      expect(acked.length).toBeGreaterThanOrEqual(50)

      const second = await startServer(env)
      children.push(second.child)
      const frames = await readLog(second.url)
      const rows = await fetch(`${second.url}/api/items/burst?limit=-1&fields=id,title`, {
        headers: admin,
      })
      const present = new Map(
        ((await rows.json()) as { data: { id: number; title: string }[] }).data.map((r) => [
          r.id,
          r.title,
        ]),
      )

      // Numbers have no gaps: a rolled-back or crashed write leaves no hole and no event.
      expect(frames.map((f) => f.id)).toEqual(frames.map((_, i) => i + 1))
      const count = new Map<string, number>()
      const id = (type: string, key: unknown, title?: string) =>
        `${type}:${String(key)}${title === undefined ? '' : `:${title}`}`
      for (const f of frames) {
        const name = id(f.event, f.data.key, f.event === 'delete' ? undefined : f.data.data?.title)
        count.set(name, (count.get(name) ?? 0) + 1)
      }
      // Every acknowledged write: exactly one event.
      const missing = acked.filter(
        (w) => count.get(id(w.type, w.key, w.type === 'delete' ? undefined : w.title)) !== 1,
      )
      expect({ acknowledged: acked.length, events: frames.length, missing }).toMatchObject({
        missing: [],
      })
      // Every event is of a write that committed: created rows exist unless deleted later,
      // deleted rows are gone, updated titles were sent, and every row has its create event.
      const deleted = new Set(frames.filter((f) => f.event === 'delete').map((f) => f.data.key))
      const sentTitles = new Set(sent.flatMap((w) => (w.type === 'delete' ? [] : [w.title])))
      for (const f of frames) {
        const key = f.data.key as number
        if (f.event === 'delete') expect(present.has(key)).toBe(false)
        else {
          expect(sentTitles.has(f.data.data?.title ?? '')).toBe(true)
          if (!deleted.has(key)) expect(present.has(key)).toBe(true)
        }
      }
      const created = new Set(frames.filter((f) => f.event === 'create').map((f) => f.data.key))
      expect([...present.keys()].filter((key) => !created.has(key))).toEqual([])
      expect([...count.values()].filter((n) => n !== 1)).toEqual([])
    },
    90_000,
  )
})
