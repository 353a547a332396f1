/**
 * What every `pg` client of this process sends, counted by wrapping `pg.Client#query`: statements
 * (BEGIN/COMMIT and background polling included), write commits (COMMITs and autocommitted
 * writes) and bytes (SQL text plus parameters as pg serialises them, about; a named statement's
 * text counted once per connection, as pg sends it). The durable benches
 * read it off per arrival or per record.
 */
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** Running totals since `countPgTraffic()`; read a copy before and after what is measured. */
export const pgTraffic = { statements: 0, writeCommits: 0, bytes: 0 };

const WRITE = /^\s*(insert|update|delete|with|select\s+\S+\s*\()/i;

/** Bytes of one parameter as it goes over the wire (text format), about. */
function paramBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return Buffer.byteLength(value);
  if (value instanceof Date) return 29;
  if (Buffer.isBuffer(value)) return value.length;
  if (typeof value === "object") return Buffer.byteLength(JSON.stringify(value));
  return String(value).length;
}

/** Starts counting; the returned function puts `pg.Client#query` back. */
export function countPgTraffic(): () => void {
  const original = pg.Client.prototype.query;
  const inTransaction = new WeakSet<object>();
  // A named (prepared) statement's text goes over a connection once; later only its parameters.
  const prepared = new WeakMap<object, Set<string>>();
  // biome-ignore lint/suspicious/noExplicitAny: the overloads of pg's query are not worth restating.
  pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
    const text: string = typeof config === "string" ? config : (config?.text ?? "");
    const values: unknown = Array.isArray(rest[0]) ? rest[0] : config?.values;
    pgTraffic.statements += 1;
    const name: unknown = typeof config === "object" ? config?.name : undefined;
    if (typeof name === "string") {
      const named = prepared.get(this) ?? new Set<string>();
      prepared.set(this, named);
      if (!named.has(name)) pgTraffic.bytes += Buffer.byteLength(text);
      named.add(name);
    } else pgTraffic.bytes += Buffer.byteLength(text);
    if (Array.isArray(values)) for (const value of values) pgTraffic.bytes += paramBytes(value);
    if (/^\s*begin/i.test(text)) inTransaction.add(this);
    else if (/^\s*(commit|end)\b/i.test(text)) {
      inTransaction.delete(this);
      pgTraffic.writeCommits += 1;
    } else if (/^\s*rollback/i.test(text)) inTransaction.delete(this);
    else if (!inTransaction.has(this) && WRITE.test(text)) pgTraffic.writeCommits += 1;
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    return (original as any).call(this, config, ...rest);
  } as typeof original;
  return () => {
    pg.Client.prototype.query = original;
  };
}

/** Microseconds of this process's CPU (user + system) since `since` (a `process.cpuUsage()`). */
export function cpuMicrosSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ: 100 on Linux builds). */
const USER_HZ = 100;

/**
 * Microseconds of CPU (user + system) the PostgreSQL server's processes have used, summed over
 * `/proc/<pid>/stat` of every process named `postgres` (backends, WAL writer, autovacuum): on a
 * two-core machine the server's work per arrival takes cores from the engine's as much as Node's
 * own does. Undefined where `/proc` is not readable (not Linux, or the server runs elsewhere).
 * Backends that exit between two readings take their time with them, so read it around work
 * done by pooled connections.
 */
export function postgresCpuMicros(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid … : the fields after the comm's closing parenthesis, 14th and 15th
    // of the whole line being utime and stime.
    const close = stat.lastIndexOf(")");
    if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? (ticks * 1e6) / USER_HZ : undefined;
}
