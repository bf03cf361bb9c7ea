/**
 * The gateway's routes, and a 404 for everything else, before any other plugin runs. yoga by
 * itself serves GraphQL on any path that ends in its endpoint (`/graphql/`, `//graphql`,
 * `/x/graphql`), which no path-based rule (auth, request log) would recognise.
 */
import type { Plugin } from 'graphql-yoga';

export function useKnownRoutes(paths: readonly string[]): Plugin {
  const known = new Set(paths);
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (known.has(url.pathname)) return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] }), {
          status: 404,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}
