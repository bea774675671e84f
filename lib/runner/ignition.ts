// What a discovery ignition says about starting the agent: the `agent.service` unit's
// ExecStart (the agent's command line: --url, --infra-env-id, --agent-version, --insecure,
// --cacert), its Environment= lines (PULL_SECRET_TOKEN under local auth, the proxy settings)
// and the CA file --cacert names, from the ignition's storage. Nothing here is assumed: a fake
// host runs what the service's own ignition would run on a real one.

export const AGENT_UNIT = 'agent.service';
/** Without these the agent logs to the journal only (reference A2); in a container, stdout. */
export const STDOUT_LOGGING = ['--with-stdout-logging', '--with-journal-logging=false'];
const REQUIRED_FLAGS = ['--url', '--infra-env-id', '--agent-version'];

export interface AgentLaunch {
  /** ExecStart's argv plus STDOUT_LOGGING. */
  command: string[];
  /** Every Environment= of the unit (the token among them). */
  env: Record<string, string>;
  /** PULL_SECRET_TOKEN, or null under AUTH_TYPE=none. */
  token: string | null;
  /** The file --cacert names, with its content from the ignition; null without --cacert. */
  caCert: { path: string; content: string } | null;
  /** --url and --infra-env-id, as the agent will use them. */
  serviceUrl: string;
  infraEnvId: string;
}

interface Ignition {
  systemd?: { units?: { name?: string; contents?: string }[] };
  storage?: { files?: { path?: string; contents?: { source?: string } }[] };
}

/** Reads the agent's launch from a discovery ignition; throws a worded error if it can't. */
export async function agentLaunchFrom(ignition: unknown): Promise<AgentLaunch> {
  const ign = (ignition ?? {}) as Ignition;
  const unit = ign.systemd?.units?.find((u) => u.name === AGENT_UNIT);
  if (!unit?.contents) throw new Error(`the discovery ignition has no ${AGENT_UNIT} unit with contents`);
  const directives = unitDirectives(unit.contents);
  const execStart = directives.filter((d) => d.key === 'ExecStart').at(-1)?.value;
  if (!execStart) throw new Error(`${AGENT_UNIT} has no ExecStart`);
  const argv = splitCommandLine(execStart.replace(/^[-@:+!]+/, ''));
  const missing = REQUIRED_FLAGS.filter((f) => flagValue(argv, f) === null);
  if (missing.length) throw new Error(`${AGENT_UNIT} ExecStart lacks ${missing.join(', ')}: ${argv[0]} …`);

  const env: Record<string, string> = {};
  for (const d of directives.filter((x) => x.key === 'Environment')) {
    for (const assignment of splitCommandLine(d.value)) {
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }

  const caPath = flagValue(argv, '--cacert');
  let caCert: AgentLaunch['caCert'] = null;
  if (caPath) {
    const file = ign.storage?.files?.find((f) => f.path === caPath);
    if (!file?.contents?.source) throw new Error(`${AGENT_UNIT} names --cacert ${caPath}, which the ignition does not write`);
    caCert = { path: caPath, content: await dataUrlText(file.contents.source) };
  }
  return {
    command: [...argv, ...STDOUT_LOGGING],
    env,
    token: env.PULL_SECRET_TOKEN || null,
    caCert,
    serviceUrl: flagValue(argv, '--url')!,
    infraEnvId: flagValue(argv, '--infra-env-id')!,
  };
}

/** `--flag value` or `--flag=value`; null when absent. */
export function flagValue(argv: string[], flag: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1] ?? '';
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return null;
}

/** A systemd unit's `Key=value` lines, with backslash-continued lines joined. */
function unitDirectives(contents: string): { key: string; value: string }[] {
  const lines = contents.replace(/\\\n/g, ' ').split('\n');
  const out: { key: string; value: string }[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

/** Splits a command line the way systemd does for ExecStart/Environment: spaces, "…" and '…' quoting. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '', quote: string | null = null, inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c, inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word), word = '', inWord = false;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i], inWord = true;
    } else {
      word += c, inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced quote in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** An Ignition `data:` URL's text (plain or base64); Node's fetch decodes them. */
async function dataUrlText(source: string): Promise<string> {
  if (!source.startsWith('data:')) throw new Error(`only data: URLs are read from the ignition (got ${source.slice(0, 40)}…)`);
  return (await fetch(source)).text();
}
