// A config that can't be used: every problem found, each naming the field it is about.

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
