// @acme/hello's GraphQL part: an object type, a query, a mutation and a subscription added through
// @backlex/graphql's Pothos builder. Optional: only types come from @backlex/graphql, so an app
// without it loads this plugin, and the contribution is simply never read.
import type { GraphQLContribution } from '@backlex/graphql/contract'
import { defineExtensionPoint, type RequestContext, type Scope } from '@backlex/kernel'
import { Greeter, type Greeting, greetingDraft } from './greeter.js'

/** The point @backlex/graphql reads (`GraphQLContributions` there), defined by its id. */
export const GraphQLContributions = defineExtensionPoint<GraphQLContribution>(
  'backlex.graphql.contributions',
)

const metaOf = (request: RequestContext) => ({
  workspace: request.workspace,
  principal: request.principal,
  requestId: request.requestId,
})

/** One greeting per name, as a stream; ends after the last name or when the client leaves. */
async function* greetingsFor(names: readonly string[], greet: (name: string) => string) {
  for (const name of names) yield greet(name)
}

/**
 * Adds `HelloGreeting`, `helloGreeting(id)`, `helloCreateGreeting(name, message)` and
 * `helloGreetings(names)` (a subscription) to every schema. Resolvers run inside GraphQL's
 * request, so they reach this plugin's services through its own scope, passed in at register
 * time (the request's `use` is @backlex/graphql's).
 * @example
 * register(ctx) { ctx.contribute(GraphQLContributions, helloGraphQL(ctx)) }
 */
export const helloGraphQL =
  (scope: Scope<{ requires: [typeof Greeter] }>): GraphQLContribution =>
  (builder) => {
    const HelloGreeting = builder.objectRef<Greeting>('HelloGreeting').implement({
      description: 'A stored greeting of @acme/hello.',
      fields: (t) => ({
        id: t.exposeID('id', { nullable: false }),
        name: t.exposeString('name', { nullable: false }),
        message: t.exposeString('message', { nullable: false }),
        createdAt: t.exposeString('createdAt', { nullable: false }),
        announced: t.boolean({
          nullable: false,
          description: 'Whether the action hook has announced it yet.',
          resolve: (greeting) => greeting.announcedAt !== null,
        }),
      }),
    })

    builder.queryField('helloGreeting', (t) =>
      t.field({
        type: HelloGreeting,
        description: 'A stored greeting of this workspace, or null.',
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_root, { id }, { request }) =>
          (await scope.use(Greeter).find(String(id), request.workspace)) ?? null,
      }),
    )

    builder.mutationField('helloCreateGreeting', (t) =>
      t.field({
        type: HelloGreeting,
        nullable: false,
        description:
          'Stores a greeting (the same filters and errors as POST /api/hello/greetings).',
        args: { name: t.arg.string({ required: true }), message: t.arg.string() },
        resolve: (_root, args, { request }) => {
          const draft = greetingDraft.parse({ name: args.name, message: args.message ?? undefined })
          return scope.use(Greeter).create(draft, metaOf(request))
        },
      }),
    )

    builder.subscriptionField('helloGreetings', (t) =>
      t.string({
        nullable: false,
        description: 'A greeting for each name, one event each (over SSE).',
        args: { names: t.arg.stringList({ required: true }) },
        subscribe: (_root, { names }) => {
          const greeter = scope.use(Greeter)
          return greetingsFor(names, (name) => greeter.greet(name))
        },
        resolve: (text: string) => text,
      }),
    )
  }
