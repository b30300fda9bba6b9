// Open streams re-check their caller: the credential a stream was opened with (Authorization
// and Cookie headers) is resolved again through the kernel's principal resolvers before each
// event is delivered, once per distinct credential however many streams share it, and at every
// heartbeat. A revoked key or an ended session ends its streams; changed roles apply at once.
import {
  isBacklexError,
  type LoggerAdapter,
  type Principal,
  type PrincipalResolver,
} from '@backlex/kernel'
import { StreamEndCodes } from './errors.js'

export interface CredentialOwner {
  /** Ends the owner's stream with a stream-end code. */
  end(code: string, message: string): void
}

/** The caller of one or more streams, kept current. */
export interface Caller {
  /** The principal as last resolved. */
  readonly principal: Principal
  /**
   * Resolves the credential again unless a check started after `stamp` already did; ends the
   * owners' streams when it is no longer valid. Resolves to false then.
   */
  refresh(stamp: number): Promise<boolean>
  /** Whether it needs re-checking at all (false for callers without a credential). */
  readonly checked: boolean
  release(owner: CredentialOwner): void
}

/** Stamps order "an event arrived" before "a check started". */
let counter = 0
/** A stamp for a delivery about to start: only checks started from now on count for it. */
export const deliveryStamp = (): number => ++counter

interface Group {
  key: string
  workspace: string
  headers: [string, string][]
  principal: Principal
  owners: Set<CredentialOwner>
  /** The stamp when the latest check started, and that check. */
  checkedAt: number
  check: Promise<boolean> | undefined
  valid: boolean
}

export interface CallerRegistry {
  /**
   * The caller of a request that resolved to `principal`. Anonymous callers and requests
   * without Authorization or Cookie are never re-checked.
   */
  acquire(request: Request, workspace: string, principal: Principal, owner: CredentialOwner): Caller
  /** Re-checks credentials not checked since the previous call (called at each heartbeat). */
  refreshAll(): Promise<void>
  readonly size: number
}

/**
 * @param resolvers the kernel's principal resolvers (the same ones every request goes through)
 */
export function createCallerRegistry(
  resolvers: () => readonly PrincipalResolver[],
  logger: LoggerAdapter,
): CallerRegistry {
  const groups = new Map<string, Group>()
  // Callers that are never re-checked are shared per principal (all anonymous streams share one).
  const uncheckedCallers = new WeakMap<Principal, Caller>()
  let lastHeartbeat = 0

  async function resolve(group: Group): Promise<Principal | null> {
    const request = new Request('http://realtime.invalid/', { headers: group.headers })
    for (const resolver of resolvers()) {
      const principal = await resolver({ request, workspace: group.workspace })
      if (principal) return principal
    }
    return null
  }

  function endAll(group: Group, code: string, message: string) {
    group.valid = false
    groups.delete(group.key)
    for (const owner of [...group.owners]) owner.end(code, message)
    group.owners.clear()
  }

  function check(group: Group): Promise<boolean> {
    group.checkedAt = counter
    const run = resolve(group).then(
      (principal) => {
        if (!group.valid) return false
        if (principal === null || principal.type === 'anonymous') {
          endAll(
            group,
            StreamEndCodes.CREDENTIALS_REVOKED,
            'Your session or API key is no longer valid.',
          )
          return false
        }
        group.principal = principal
        return true
      },
      (error: unknown) => {
        if (!group.valid) return false
        if (isBacklexError(error) && (error.status === 401 || error.status === 403)) {
          endAll(group, StreamEndCodes.CREDENTIALS_REVOKED, error.message)
        } else {
          logger.warn('could not check a stream caller again', {
            error: error instanceof Error ? error.message : String(error),
          })
          endAll(
            group,
            StreamEndCodes.REVALIDATION_FAILED,
            'Your credentials could not be checked; reconnect.',
          )
        }
        return false
      },
    )
    group.check = run
    return run
  }

  const unchecked = (principal: Principal): Caller => {
    const known = uncheckedCallers.get(principal)
    if (known) return known
    const caller: Caller = {
      principal,
      checked: false,
      refresh: () => Promise.resolve(true),
      release: () => {},
    }
    uncheckedCallers.set(principal, caller)
    return caller
  }

  return {
    acquire(request, workspace, principal, owner) {
      if (principal.type === 'anonymous') return unchecked(principal)
      const headers: [string, string][] = []
      for (const name of ['authorization', 'cookie']) {
        const value = request.headers.get(name)
        if (value) headers.push([name, value])
      }
      // Resolved from something other than a credential (e.g. a trusted network): nothing to re-check.
      if (headers.length === 0) return unchecked(principal)
      const key = `${workspace}\u0000${headers.map(([n, v]) => `${n}:${v}`).join('\u0000')}`
      let group = groups.get(key)
      if (!group) {
        group = {
          key,
          workspace,
          headers,
          principal,
          owners: new Set(),
          checkedAt: counter,
          check: undefined,
          valid: true,
        }
        groups.set(key, group)
      }
      group.owners.add(owner)
      const current = group
      return {
        get principal() {
          return current.principal
        },
        checked: true,
        refresh(stamp) {
          if (!current.valid) return Promise.resolve(false)
          if (current.check && current.checkedAt >= stamp) return current.check
          return check(current)
        },
        release(released) {
          current.owners.delete(released)
          if (current.owners.size === 0 && groups.get(current.key) === current) {
            groups.delete(current.key)
          }
        },
      }
    },
    async refreshAll() {
      // Streams that received events since the last heartbeat were checked then already.
      const since = lastHeartbeat
      lastHeartbeat = deliveryStamp()
      await Promise.all(
        [...groups.values()].filter((g) => g.checkedAt < since || !g.check).map((g) => check(g)),
      )
    },
    get size() {
      return groups.size
    },
  }
}
