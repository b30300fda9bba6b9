// Free-form channels: anyone may subscribe (plugins can refuse through the `realtime.subscribe`
// filter hook); a signed-in caller may publish, rate-limited per caller through the Kv, after
// the `realtime.publish` filter hook, which may change the message or refuse it.
import { encodeEvent, errorBody, type RequestContext } from '@backlex/kernel'
import { type MessageSender, RealtimePublish, RealtimeSubscribe } from './contract.js'
import { deliveryStamp } from './credentials.js'
import { RealtimeErrors } from './errors.js'
import { resumePosition } from './items/query.js'
import type { LoggedEvent } from './log/event-log.js'
import type { RealtimeRuntime } from './runtime.js'
import type { FrameWriter, StreamSubscriber } from './subscriber.js'

function freeDelivery(channel: string) {
  return async (
    batch: readonly LoggedEvent[],
    subscribers: readonly StreamSubscriber[],
    write: FrameWriter,
  ) => {
    const stamp = deliveryStamp()
    const callers = new Set(subscribers.filter((s) => s.caller.checked).map((s) => s.caller))
    if (callers.size > 0) await Promise.all([...callers].map((c) => c.refresh(stamp)))
    for (const event of batch) {
      const frame = encodeEvent(event.type, { channel, ...(event.data as object) }, event.seq)
      for (const s of subscribers) if (s.connection.isOpen) write(s, frame)
    }
  }
}

export async function subscribeFree(
  runtime: RealtimeRuntime,
  ctx: RequestContext,
  request: Request,
  channel: string,
): Promise<Response> {
  await ctx.kernel.events.filter(RealtimeSubscribe, { channel }, ctx)
  const { workspace, principal } = ctx
  const resumeAfter = resumePosition(request, new URL(request.url).searchParams)
  const connection = runtime.openConnection()
  const owner = { end: (code: string, message: string) => connection.close({ code, message }) }
  const caller = runtime.callers.acquire(request, workspace, principal, owner)
  connection.onEnd(() => caller.release(owner))
  try {
    await runtime.join({
      workspace,
      channel,
      subscriber: { connection, caller },
      resumeAfter,
      delivery: freeDelivery(channel),
    })
  } catch (error) {
    connection.close()
    throw error
  }
  return connection.response
}

export async function publishFree(
  runtime: RealtimeRuntime,
  ctx: RequestContext,
  channel: string,
  data: unknown,
): Promise<Response> {
  const { principal, workspace } = ctx
  const { options, kv } = runtime.deps
  if (principal.type === 'anonymous') throw RealtimeErrors.UNAUTHORIZED('Sign in to publish.')
  if (principal.scopes?.readOnly)
    throw RealtimeErrors.FORBIDDEN('A read-only API key cannot publish.')
  const bytes = new TextEncoder().encode(JSON.stringify(data ?? null)).byteLength
  if (bytes > options.maxMessageBytes) {
    throw RealtimeErrors.MESSAGE_TOO_LARGE(bytes, options.maxMessageBytes)
  }
  const { max, windowMs } = options.publishRateLimit
  const counter = await kv.increment(
    `realtime:publish:${workspace}:${principal.type}:${principal.id ?? ''}`,
    1,
    { ttlMs: windowMs },
  )
  if (counter.value > max) {
    const retryAfter = Math.max(1, Math.ceil((counter.ttlMs ?? windowMs) / 1000))
    return Response.json(errorBody(RealtimeErrors.RATE_LIMITED(retryAfter)), {
      status: 429,
      headers: { 'retry-after': String(retryAfter) },
    })
  }
  const hooked = await ctx.kernel.events.filter(RealtimePublish, { channel, data }, ctx)
  const sender: MessageSender = { type: principal.type, id: principal.userId ?? principal.id }
  const [event] = await runtime.publish(workspace, channel, [
    { type: 'message', data: { data: hooked.data ?? null, sender } },
  ])
  return Response.json({ data: { channel, id: event?.seq ?? null } }, { status: 201 })
}
