// Looks for settings that turn TLS verification off, where a swarm over HTTPS must have none:
// the swarm's containers (environment, command, and the command lines of the processes running
// in them: the agent's, next_step_runner's, the installer's, the controller's) and a run's
// report files. `--insecure=false` and `SKIP_CERT_VERIFICATION=false` are what verifying looks
// like; any other value of those, a bare `--insecure`, and Node's or Go's off switches are found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { labelFilter } from './hub.ts';

const INSECURE = [
  /(?:^|\s)--?insecure(?:=(?!false\b)[\w-]*|(?![=\w-]))/g, // --insecure, --insecure=true, -insecure=true (not =false)
  /\bSKIP_CERT_VERIFICATION=(?!false\b)[\w-]*/gi,
  /\bINSECURE_SKIP_VERIFY=(?!false\b)[\w-]*/gi,
  /\bNODE_TLS_REJECT_UNAUTHORIZED=0\b/g,
  /--insecure-skip-tls-verify\b/g,
  /"insecure"\s*:\s*true/g,
  /"skipCertVerification"\s*:\s*true/g,
];

/** The insecure settings in a piece of text (a command line, an env line, a file). */
export function insecureSettings(text: string): string[] {
  return INSECURE.flatMap((re) => [...text.matchAll(re)].map((m) => m[0].trim()));
}

/** What a container was told and runs: its command, environment, and (running) its processes' command lines. */
export interface ContainerCommands {
  name: string;
  labels: Record<string, string>;
  command: string;
  env: string[];
  processes: string[];
}

/** The command lines of every container carrying `labels`, read once for every check on them. */
export async function containerCommands(docker: Docker, labels: Record<string, string>): Promise<ContainerCommands[]> {
  const out: ContainerCommands[] = [];
  for (const c of await docker.listContainers({ all: true, filters: labelFilter(labels) })) {
    const container = docker.getContainer(c.Id);
    const info = await container.inspect();
    // Docker needs the pid column to tell the container's processes; the command line is the last.
    const top = info.State.Running ? await container.top({ ps_args: '-eo pid,args' }).catch(() => null) : null;
    out.push({
      name: info.Name.replace(/^\//, ''),
      labels: info.Config.Labels ?? {},
      command: [...(info.Config.Entrypoint ?? []), ...(info.Config.Cmd ?? [])].join(' '),
      env: info.Config.Env ?? [],
      processes: (top?.Processes ?? []).map((row: string[]) => row.at(-1) ?? ''),
    });
  }
  return out;
}

/** Every insecure setting of these containers, as "container: setting (where)". */
export function insecureIn(containers: ContainerCommands[]): string[] {
  const found: string[] = [];
  for (const { name, command, env, processes } of containers) {
    for (const s of insecureSettings(command)) found.push(`${name}: ${s} (command)`);
    for (const line of env) for (const s of insecureSettings(line)) found.push(`${name}: ${s} (environment)`);
    for (const args of processes) for (const s of insecureSettings(args)) found.push(`${name}: ${s} (process: ${args.slice(0, 120)})`);
  }
  return found;
}

/** Every insecure setting of the containers carrying `labels`. */
export async function insecureInContainers(docker: Docker, labels: Record<string, string>): Promise<string[]> {
  return insecureIn(await containerCommands(docker, labels));
}

/** Every insecure setting in the files of a report folder, as "file: setting". */
export function insecureInFolder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...insecureInFolder(path));
    else for (const s of insecureSettings(readFileSync(path, 'utf8'))) found.push(`${entry}: ${s}`);
  }
  return found;
}
