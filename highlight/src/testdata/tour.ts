// A tour of TypeScript syntax for the grammar tests: every construct once, ASCII only.
import { type Env, KVNamespace } from "@cloudflare/workers-types";
import * as path from "node:path";
export * from "./flags";

/** A flag as the list API returns it. */
export interface Flag<T extends string = string> {
  readonly name: T;
  enabled?: boolean;
  createdAt: number;
  [key: string]: unknown;
}

type Theme = "light" | "dark" | `custom-${string}`;
type Handler = (request: Request, env: Env) => Promise<Response>;
type Keys<T> = { [K in keyof T]-?: T[K] extends Function ? never : K }[keyof T];

enum Status { Active = 1, Paused = 1 << 2, Gone = 0x1f, Big = 10_000n as unknown as number }
const enum Level { Low, High }
declare module "virtual:config" { export const site: { title: string } }
namespace Internal { export let counter = 0; }

@sealed
abstract class Store<V> implements Iterable<V> {
  #items = new Map<string, V>();
  private static instances = 0;
  protected constructor(public readonly prefix: string, private ttl = 90 * 24 * 60 * 60) {
    super();
    Store.instances++;
  }
  abstract load(key: string): Promise<V | null>;
  get size(): number { return this.#items.size; }
  *[Symbol.iterator](): Iterator<V> { yield* this.#items.values(); }
  async put(key: string, value: V, options?: { expirationTtl?: number }): Promise<void> {
    if (key.length > 512 || !/^[a-z0-9:_-]+$/i.test(key)) throw new RangeError(`bad key: ${key}`);
    this.#items.set(`${this.prefix}:${key}`, value);
    await Promise.all([this.load(key), fetch("https://example.com/?q=1&r=2")]);
  }
}

function isTheme(value: unknown): value is Theme {
  return typeof value === "string" && ["light", "dark"].includes(value);
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    const { searchParams: params } = url;
    const [first, ...rest] = params.getAll("tenant") ?? [];
    let count = rest.length as number, total = 0.5e-3;
    const label = first?.trim() ?? 'none';
    const cookie = request.headers.get("Cookie")!;
    for (const [name, value] of Object.entries({ a: 1, b: 2 })) { total += value; }
    for (let i = 0; i < count; i += 1) { if (i % 2) continue; else break; }
    while (count-- > 0) total **= 2;
    switch (label) {
      case "none": return new Response(null, { status: 204 });
      default: break;
    }
    try {
      const list = await env.KV.list<Flag>({ prefix: `flag:${label}:`, cursor: undefined });
      const flags = list.keys.map(({ name, metadata }) => ({ name, ...metadata }));
      ctx.waitUntil(env.KV.put("seen", JSON.stringify(flags), { expirationTtl: 86_400 }));
      return Response.json({ flags }, { headers: { "Cache-Control": "no-store" } });
    } catch (error: unknown) {
      console.error(error instanceof Error ? error.message : String(error));
      return new Response("unavailable", { status: 503 });
    } finally {
      void cookie;
    }
  },
} satisfies ExportedHandler<Env>;

const generic = <T,>(value: T): T[] => [value];
const assert: (condition: unknown, message?: string) => asserts condition = (c) => { if (!c) throw 0; };
label: for (;;) { break label; }
export { generic as wrap, assert };
