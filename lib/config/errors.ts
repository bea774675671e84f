// Errors every floor of lib/ may throw (this is the ground floor): a config that can't be used,
// with every problem found, each naming its field; and a UserError, whose message is complete
// for a user (shown without a stack).

export interface ConfigProblem {
  /** Field path in the config, like `clusters[0].topology`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly source = 'swarm config',
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
      problems.map((p) => `  ${p.path || '(config)'}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Turns a JSON-pointer-ish path ("/clusters/0/name") into "clusters[0].name". */
export function fieldPath(segments: (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** An error whose message is complete for a user: shown without a stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}
