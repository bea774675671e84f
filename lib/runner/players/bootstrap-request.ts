// The hand-over between the podman shim (lib/images/shims/podman) and the runner, for the
// bootstrap host of a multi-node cluster (docs/upstream-gaps.md, gap 3). Both files live in the
// host's folder, the folder of its reboot marker, which the fake host and the runner both see:
//   bootstrap-installer.request  written by the shim instead of running the installer:
//                                `id ID`, then one `arg VALUE` line per installer argument
//   bootstrap-installer.answer   written by the runner when it has played the installer:
//                                `id ID`, `exit CODE` and maybe `message TEXT`
// The id names the waiting shim process, so an answer meant for another attempt is never taken.
// No token is in either file: the runner has its own (PlayerContext.service).

export const REQUEST_FILE = 'bootstrap-installer.request';
export const ANSWER_FILE = 'bootstrap-installer.answer';

export interface InstallerRequest {
  id: string;
  /** The installer's arguments, as the agent's install step gave them (they start at --role). */
  args: string[];
}

/** Reads a request file; null when it is not (yet) a whole request. */
export function parseRequest(text: string): InstallerRequest | null {
  const lines = text.split('\n');
  if (!text.endsWith('\n') || !lines[0]?.startsWith('id ')) return null;
  const args = lines.slice(1).filter((l) => l.startsWith('arg ')).map((l) => l.slice(4));
  return { id: lines[0].slice(3), args };
}

/** The answer file's content: the installer's exit code, and a line for its output. */
export function answerText(id: string, exitCode: number, message?: string): string {
  const line = message?.replace(/\s*\n\s*/g, ' ').trim();
  return `id ${id}\nexit ${exitCode}\n${line ? `message ${line}\n` : ''}`;
}

/**
 * The value of one of the installer's flags, read as Go's flag package does (src/config/config.go
 * of the installer): `--name value`, `--name=value`, `-name value` or `-name=value`; null if absent.
 */
export function installerFlag(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const prefix of [`--${name}`, `-${name}`]) {
      if (a === prefix) return args[i + 1] ?? null;
      if (a.startsWith(`${prefix}=`)) return a.slice(prefix.length + 1);
    }
  }
  return null;
}

