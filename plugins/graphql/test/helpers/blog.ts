// The GraphQL tests repeat the REST security suite on the items tests' blog schema: the same
// fixture, not a copy of it.
export { createBlog, seedBlog } from '../../../collections/test/items-helpers/blog.js'
