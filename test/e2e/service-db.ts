// The service's own record of clusters and infra-envs, read from its PostgreSQL (the local hub's):
// after destroy every cluster of the swarm must be deregistered (soft-deleted, `deleted_at` set)
// and no infra-env of it left (deleted, or soft-deleted where the table has `deleted_at`).
// Read there because under AUTH_TYPE=local the service's user API is closed to us.
// In the faulted run (faults.ts) also: no host twice after the restarts.
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

/**
 * What the service's hosts table holds twice for the infra-envs of `ids` (hosts not deleted): a
 * host id, a hostname (requested, else the inventory's) or a MAC address within one infra-env.
 * A re-registration after a restart (agent, service, database) must update the host, not add one.
 */
export async function duplicateHosts(hubEnv: Record<string, string>, ids: string[]): Promise<{ rows: number; twice: string[] }> {
  if (!ids.length) return { rows: 0, twice: [] };
  const softDeleted = psql(hubEnv, "select 1 from information_schema.columns where table_name = 'hosts' and column_name = 'deleted_at'").length > 0;
  const live = `hosts where infra_env_id in (${inList(ids)})${softDeleted ? ' and deleted_at is null' : ''}`;
  const inventory = "(case when inventory like '{%' then inventory::jsonb end)";
  const rows = Number(psql(hubEnv, `select count(*) from ${live}`)[0] ?? 0);
  const twice = [
    ...psql(hubEnv, `select 'host id ' || id || ' ' || count(*) || ' times' from ${live} group by id having count(*) > 1`),
    ...psql(hubEnv, `select 'hostname ' || name || ' ' || count(*) || ' times in infra-env ' || infra_env_id from (select infra_env_id, ` +
      `coalesce(nullif(requested_hostname, ''), ${inventory}->>'hostname') as name from ${live}) t where name is not null group by infra_env_id, name having count(*) > 1`),
    ...psql(hubEnv, `select 'MAC ' || mac || ' ' || count(*) || ' times in infra-env ' || infra_env_id from (select distinct id, infra_env_id, ` +
      `jsonb_array_elements(coalesce(${inventory}->'interfaces', '[]'::jsonb))->>'mac_address' as mac from ${live}) t where mac is not null group by infra_env_id, mac having count(*) > 1`),
  ];
  return { rows, twice };
}
