import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { contentHash } from '../private/content-hash';
import { runCollected, runLogged } from '../private/process';
import { releaseId } from '../private/release';

import { OperationError, UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What `ansible` was asked for. */
export interface AnsibleOptions {
  /** The deployed stack whose outputs the playbook gets. */
  readonly stack: string;
  /** The playbook, from the project root. */
  readonly playbook: string;
}

/** What `Operations.ansible` did. */
export interface AnsibleResult {
  /** Whether the playbook ran (false: it and its inputs were unchanged since its last run). */
  readonly ran: boolean;
  /** The fingerprint of the playbook's folder and its inputs. */
  readonly fingerprint: string;
}

/**
 * `ansible STACK PLAYBOOK`: runs an Ansible playbook (connection: local) with the deployed
 * stack's outputs as extra vars (`stack`, `project_root`, `verified_release` (each image's digest
 * reference, by image name), `release_id`, `urls`), only when
 * the playbook's folder or those inputs changed since its last successful run here. Its
 * fingerprint is kept in `.pipeline/ansible/<stack>/`; delete it to force a run.
 */
export async function ansible(project: Project, options: AnsibleOptions): Promise<AnsibleResult> {
  const out = project.progress('ansible');
  const { stack, playbook } = options;
  const playbookPath = resolve(project.root, playbook);
  if (!existsSync(playbookPath)) {
    throw new UsageError(
      `playbook '${playbook}' does not exist.`,
      'Give its path from the project root, e.g. ansible/register-endpoints.yml.',
    );
  }
  const which = await runCollected('sh', ['-c', 'command -v ansible-playbook'], {
    cwd: project.root,
    env: process.env,
  });
  if (which.code !== 0) {
    throw new OperationError(
      'ansible-playbook is not installed.',
      "Install Ansible (Debian's ansible).",
    );
  }
  const stage = await project.synth([stack], ({ delivery }) =>
    Project.stage(delivery, stack, 'ansible'),
  );
  const outputs = await project.deployedOutputs(stage);
  const dir = join(project.work, 'ansible', stack);
  mkdirSync(dir, { recursive: true });
  const name = basename(playbook).replace(/\.ya?ml$/, '');
  const inputsFile = join(dir, `${name}.inputs.json`);
  const stampFile = join(dir, `${name}.sha256`);
  const inputs = `${JSON.stringify(
    {
      stack,
      project_root: project.root,
      verified_release: outputs.verifiedRelease ?? {},
      release_id: outputs.verifiedRelease ? releaseId(outputs.verifiedRelease) : '',
      urls: Object.fromEntries(outputs.urls),
    },
    null,
    2,
  )}\n`;
  writeFileSync(inputsFile, inputs);
  // The playbook's whole folder (templates, vars) and the inputs; paths relative to that folder.
  const fingerprint = createHash('sha256')
    .update(contentHash(dirname(playbookPath)))
    .update('\0')
    .update(inputs)
    .digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === fingerprint) {
    out.log(
      `${playbook} for ${stack}: playbook and inputs unchanged since its last run (${fingerprint.slice(0, 12)}), skipped`,
    );
    return { ran: false, fingerprint };
  }
  const logFile = project.logFile(`ansible-${stack}-${name}`);
  out.log(
    `${playbook} for ${stack}: running (inputs ${fingerprint.slice(0, 12)}; log ${project.show(logFile)})`,
  );
  const { code } = await runLogged(
    'ansible-playbook',
    ['-i', 'localhost,', '-c', 'local', playbookPath, '-e', `@${inputsFile}`],
    {
      cwd: project.root,
      env: {
        ...process.env,
        ANSIBLE_NOCOWS: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
        ANSIBLE_FORCE_COLOR: '0',
      },
      logFile,
      heartbeat: (s) => out.log(`… still running ${playbook} (${s}s)`),
    },
  );
  const log = readFileSync(logFile, 'utf8');
  if (code !== 0) {
    out.raw(log.split('\n').slice(-30));
    throw new OperationError(
      `${playbook} for ${stack} failed; the full log is ${project.show(logFile)}`,
      'Read the failed task above.',
    );
  }
  writeFileSync(stampFile, `${fingerprint}\n`);
  const recap = log
    .split('\n')
    .filter((l) => l.startsWith('localhost'))
    .pop();
  out.log(`${playbook} for ${stack}: ${(recap ?? 'done').replace(/\s+/g, ' ').trim()}`);
  return { ran: true, fingerprint };
}
