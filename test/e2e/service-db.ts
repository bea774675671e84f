// The service's own record of clusters and infra-envs, read from its PostgreSQL (the local hub's):
// after destroy every cluster of the swarm must be deregistered (soft-deleted, `deleted_at` set)
// and no infra-env of it left (deleted, or soft-deleted where the table has `deleted_at`).
// Read there because under AUTH_TYPE=local the service's user API is closed to us.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function psql(hubEnv: Record<string, string>, sql: string): string[] {
  const dir = join(hubEnv.ASSISTED_SWARM_HUB_DIR!, 'postgres');
  const out = execFileSync('psql', [
    '-h', '127.0.0.1', '-p', hubEnv.ASSISTED_SWARM_HUB_POSTGRES_PORT!, '-U', 'admin', '-d', 'installer', '-X', '-A', '-t', '-c', sql,
  ], { env: { ...process.env, PGPASSWORD: readFileSync(join(dir, 'password'), 'utf8').trim() }, encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

const inList = (ids: string[]) => ids.map((id) => `'${id.replace(/[^0-9a-f-]/g, '')}'`).join(',');

export async function deregisteredClusters(hubEnv: Record<string, string>, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return psql(hubEnv, `select id from clusters where id in (${inList(ids)}) and deleted_at is not null`);
}

/** The infra-envs of `ids` the service still has. */
export async function infraEnvsLeft(hubEnv: Record<string, string>, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const softDeleted = psql(hubEnv, "select 1 from information_schema.columns where table_name = 'infra_envs' and column_name = 'deleted_at'").length > 0;
  return psql(hubEnv, `select id from infra_envs where id in (${inList(ids)})${softDeleted ? ' and deleted_at is null' : ''}`);
}
