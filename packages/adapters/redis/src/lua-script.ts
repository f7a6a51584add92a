import type { RedisClient } from './options.js';

export type ScriptArg = string | number;

/** A Lua script bound to a client: call with its keys and arguments. */
export type LuaScript = (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>;

/**
 * Registers `lua` on the client with `defineCommand`: ioredis sends EVALSHA and, when the server answers
 * NOSCRIPT (after a restart, failover or SCRIPT FLUSH), resends the full script once, so scripts are loaded
 * lazily and survive a server that forgot them. Names are namespaced so a shared client can carry several
 * adapters' scripts.
 */
export function defineLuaScript(redis: RedisClient, name: string, lua: string): LuaScript {
  const commandName = `limitedcart_${name}`;
  redis.defineCommand(commandName, { lua });
  return (keys, args) => {
    const command = Reflect.get(redis, commandName) as (...commandArgs: ScriptArg[]) => Promise<unknown>;
    return command.call(redis, keys.length, ...keys, ...args);
  };
}
