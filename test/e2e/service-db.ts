// The service's own record of clusters, read from its PostgreSQL (the local hub's): after
// destroy every cluster of the swarm must be deregistered (soft-deleted, `deleted_at` set).
// Read there because under AUTH_TYPE=local the service's user API is closed to us.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export async function deregisteredClusters(hubEnv: Record<string, string>, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const dir = join(hubEnv.ASSISTED_SWARM_HUB_DIR!, 'postgres');
  const quoted = ids.map((id) => `'${id.replace(/[^0-9a-f-]/g, '')}'`).join(',');
  const out = execFileSync('psql', [
    '-h', '127.0.0.1', '-p', hubEnv.ASSISTED_SWARM_HUB_POSTGRES_PORT!, '-U', 'admin', '-d', 'installer', '-X', '-A', '-t',
    '-c', `select id from clusters where id in (${quoted}) and deleted_at is not null`,
  ], { env: { ...process.env, PGPASSWORD: readFileSync(join(dir, 'password'), 'utf8').trim() }, encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}
