// The shopping cart of Clay's seed workload as Restate virtual objects, one per component
// (cart0, cart1, ...), keyed by the cart's id: the same three calls, the same state.
// Usage: node cart-service.mjs PORT COMPONENTS
import * as restate from "@restatedev/restate-sdk";

// The SDK uses Promise.withResolvers (Node.js 22); the Node.js 20 of Debian lacks it.
Promise.withResolvers ??= function () {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

const port = Number(process.argv[2] ?? 9080);
const components = Number(process.argv[3] ?? 11);

function cart(name) {
  return restate.object({
    name,
    handlers: {
      initializeCart: async (ctx, userId) => {
        ctx.set("user", userId);
      },
      addItem: async (ctx, item) => {
        const items = (await ctx.get("items")) ?? [];
        items.push(item);
        ctx.set("items", items);
      },
      getCartContents: async (ctx) => (await ctx.get("items")) ?? [],
    },
  });
}

restate.serve({
  services: Array.from({ length: components }, (_, i) => cart(`cart${i}`)),
  port,
});
