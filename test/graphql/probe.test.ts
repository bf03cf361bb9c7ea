import { afterAll, beforeAll, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { startStack, type Stack } from '../helpers/stack';
let s: Stack;
beforeAll(async () => { s = await startStack(); });
afterAll(() => s.close());
it('probe', async () => {
  const show = (x: unknown) => console.log(JSON.stringify(x));
  show(await s.gql(`{ groupCallTasks(first:0){ totalCount } }`));
  for (const l of s.logs) console.log(l.slice(0, 1500));
});
