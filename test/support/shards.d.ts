export const KINDS: Record<'e2e' | 'integration', { dir: string; suffix: string }>;
export const ROOT: string;
export function shardedRun(argv: string[]): boolean;
export function projectOf(kind: string, dialect: string): string;
export function filesOf(kind: string, dialect: string): string[];
export function shardFiles(kind: string): string[];
export interface Shard {
  files: string[];
  seconds: number;
}
export function assignShards(kind: string, dialect: string, count: number, times?: Record<string, number>): Shard[];
export function shardOf(shardPath: string, dialect: string, times?: Record<string, number>): Shard & { kind: string; dialect: string };
export function shardEstimate(project: string | undefined, rel: string, times?: Record<string, number>): number | undefined;
