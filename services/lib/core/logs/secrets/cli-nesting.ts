// Commands inside commands: a container run read as the tool with its own flags and the container's command,
// and the command line given to a shell (`sh -c '…'`, `su -c`, `cmd /c`, `powershell -Command`) or to ssh.
import { commandName, namesOf, shortCluster, valueOf, type Word } from './words.js';
import type { Span } from './mask.js';

/** `docker|podman|nerdctl [container|compose] run|create|exec` and `docker-compose run|exec`. */
const CONTAINER_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'docker-compose']);
const CONTAINER_RUNS = new Set(['run', 'create', 'exec']);
/** The tools' short options that take a value (`-p 80:80`, `-u 0:0`, `-e K=V`, `-v a:b`, …). */
const CONTAINER_VALUES = 'acehlmpuvw';
/** Their long options that take no value; every other long option takes the next word unless it has `=`. */
const CONTAINER_BOOLEANS = new Set(
  (
    '--rm --detach --interactive --tty --privileged --init --publish-all --read-only --no-healthcheck ' +
    '--oom-kill-disable --quiet --disable-content-trust --help --sig-proxy --no-deps --service-ports ' +
    '--use-aliases --build --remove-orphans --quiet-pull --no-TTY --replace --rmi --env-host --http-proxy ' +
    '--read-only-tmpfs --no-hosts --tls-verify --rootfs --use-api-socket'
  ).split(' '),
);

interface Piece {
  ws: Word[];
  names: Set<string>;
}

/**
 * A segment as the commands it runs: itself, or for a container run, the tool with its own flags and the
 * container's command (the entrypoint or the image's name — `curlimages/curl:8` is `curl` —, then the words
 * after the image; for exec and compose, the words after the container or service).
 */
export function commandPieces(ws: Word[]): Piece[] {
  const tool = ws.findIndex((w) => CONTAINER_TOOLS.has(commandName(w.raw)));
  let sub = tool + 1;
  if (tool >= 0 && /^(?:container|compose)$/.test(ws[sub]?.raw ?? '')) sub++;
  const verb = ws[sub]?.raw ?? '';
  if (tool < 0 || !CONTAINER_RUNS.has(verb)) return [{ ws, names: namesOf(ws) }];
  let entry: Word | undefined;
  let i = sub + 1;
  for (; i < ws.length; i++) {
    const raw = ws[i]!.raw;
    if (raw.length < 2 || raw[0] !== '-') break;
    if (raw[1] === '-') {
      const eq = raw.indexOf('=');
      if ((eq < 0 ? raw : raw.slice(0, eq)) === '--entrypoint')
        entry = eq < 0 ? ws[i + 1] : { start: ws[i]!.start + eq + 1, end: ws[i]!.end, raw: raw.slice(eq + 1) };
      if (eq < 0 && !CONTAINER_BOOLEANS.has(raw)) i++;
    } else {
      const c = shortCluster(raw, CONTAINER_VALUES);
      if (c?.flag !== undefined && c.valueAt === raw.length) i++;
    }
  }
  const own = { ws: ws.slice(0, i), names: namesOf(ws.slice(0, i)) };
  const target = ws[i];
  if (target === undefined) return [own];
  const command = ws.slice(i + 1);
  if (entry !== undefined) command.unshift(entry);
  const names = namesOf(command);
  const image = target.raw.replace(/^.*\//, '').replace(/[:@].*$/, '');
  const compose = ws[sub - 1]!.raw === 'compose' || commandName(ws[tool]!.raw) === 'docker-compose';
  if (entry === undefined && verb !== 'exec' && !compose) names.add(image);
  return [own, { ws: command, names }];
}

/** Shells and wrappers whose option (`-c`, `-lc`, `--command`, `/c`, `-Command`) takes a command line. */
const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'mksh',
  'su',
  'runuser',
  'cmd',
  'powershell',
  'pwsh',
]);
const SHELL_COMMAND = /^(?:-[a-z]*c[a-z]*|--command|-Command|-command|\/[cCkK])$/;
/** How deep a `sh -c "… bash -c '…'"` is read. */
export const MAX_DEPTH = 3;

/** ssh's short options that take a value (`-p 2222` is a port, `-i key`, `-o Opt=v`, `-J jump`). */
const SSH_VALUES = 'BbcDEeFIiJLlmOopQRSWw';

/** The word holding a command line given to a shell (`sh -c '…'`, `su -c "…"`, `cmd /c "…"`), and its offset. */
function shellCommand(ws: Word[]): { word: Word; skip: number } | undefined {
  const shell = ws.findIndex((w) => SHELLS.has(commandName(w.raw)));
  if (shell < 0) return undefined;
  for (let i = shell + 1; i < ws.length; i++) {
    const raw = ws[i]!.raw;
    if (raw.startsWith('--command=')) return { word: ws[i]!, skip: 10 };
    if (SHELL_COMMAND.test(raw)) return ws[i + 1] && { word: ws[i + 1]!, skip: 0 };
  }
  return undefined;
}

/** The quoted words after `ssh [options] host`: the remote command line (`ssh h "mysql -pPASS"`). */
function sshCommands(ws: Word[]): Word[] {
  const ssh = ws.findIndex((w) => commandName(w.raw) === 'ssh');
  if (ssh < 0) return [];
  let i = ssh + 1;
  for (; i < ws.length && ws[i]!.raw.length > 1 && ws[i]!.raw[0] === '-'; i++) {
    const c = shortCluster(ws[i]!.raw, SSH_VALUES);
    if (c?.flag !== undefined && c.valueAt === ws[i]!.raw.length) i++;
  }
  return ws.slice(i + 1).filter((w) => /^["']/.test(w.raw));
}

/** The command lines one segment hands on as a single word: a shell's `-c` string, else ssh's quoted commands. */
export function nestedLines(ws: Word[]): (Span & { value: string })[] {
  const shell = shellCommand(ws);
  return shell ? [valueOf(shell.word, shell.skip)] : sshCommands(ws).map((w) => valueOf(w));
}
