import { docker, sh } from '../helpers/cli';

/**
 * scripts/sweep clears what deployments left on the engine that no state knows: here, a
 * container and a network labelled as the environment `sweep-probe` would be, beside a container
 * of another environment and one without the label, which it must leave alone.
 */
const PROBE = 'sweep-probe';
const OTHER = 'sweep-other';
const IMAGE = 'cdktf-pipeline/busybox:1.35';
const LABEL = 'cdktf-pipeline.environment';

async function names(): Promise<string[]> {
  const out = await docker('ps', '-a', '--format', '{{.Names}}');
  return out
    .split('\n')
    .filter((n) => n.startsWith('sweep-'))
    .sort();
}

async function removeAll(): Promise<void> {
  for (const name of [`${PROBE}-web-0`, `${OTHER}-web-0`, `${PROBE}-unlabelled`]) {
    await sh('docker', ['rm', '-f', name]);
  }
  await sh('docker', ['network', 'rm', `${PROBE}-net`]);
}

beforeAll(async () => {
  await removeAll();
  await docker('network', 'create', '--label', `${LABEL}=${PROBE}`, `${PROBE}-net`);
  const create = (name: string, ...labels: string[]) =>
    docker('create', '--name', name, ...labels.flatMap((l) => ['--label', l]), IMAGE, 'true');
  await create(`${PROBE}-web-0`, `${LABEL}=${PROBE}`);
  await create(`${OTHER}-web-0`, `${LABEL}=${OTHER}`);
  await create(`${PROBE}-unlabelled`);
});
afterAll(removeAll);

describe('scripts/sweep', () => {
  test('lists what an environment left and removes nothing without --yes', async () => {
    expect(await sh('scripts/sweep', [PROBE])).toEqual({
      code: 0,
      output:
        '[sweep] found container sweep-probe-web-0 (environment sweep-probe)\n' +
        '[sweep] found network sweep-probe-net (environment sweep-probe)\n' +
        '[sweep] 2 object(s) left; scripts/sweep --yes sweep-probe removes them\n',
    });
    expect(await names()).toEqual([
      'sweep-other-web-0',
      'sweep-probe-unlabelled',
      'sweep-probe-web-0',
    ]);
  });

  test('with --yes removes that environment’s container and network, and nothing else', async () => {
    expect(await sh('scripts/sweep', ['--yes', PROBE])).toEqual({
      code: 0,
      output:
        '[sweep] removed container sweep-probe-web-0 (environment sweep-probe)\n' +
        '[sweep] removed network sweep-probe-net (environment sweep-probe)\n',
    });
    expect(await names()).toEqual(['sweep-other-web-0', 'sweep-probe-unlabelled']);
    expect(await sh('docker', ['network', 'inspect', `${PROBE}-net`])).toMatchObject({ code: 1 });
    expect(await sh('scripts/sweep', [PROBE])).toEqual({
      code: 0,
      output:
        '[sweep] nothing left: no object carries the label cdktf-pipeline.environment of sweep-probe\n',
    });
  });

  test('refuses an unknown option and a name that is no Docker name, before it looks', async () => {
    expect(await sh('scripts/sweep', ['--all'])).toEqual({
      code: 1,
      output:
        '[sweep] error: unknown option --all\n[sweep] fix: Run scripts/sweep --help for its usage.\n',
    });
    expect(await sh('scripts/sweep', ['Sweep_Probe'])).toEqual({
      code: 1,
      output:
        '[sweep] error: environment "Sweep_Probe" is not a Docker name\n' +
        "[sweep] fix: Give the environments' Docker names (lower-case letters, digits and '-'), e.g. sec-dev.\n",
    });
    expect(await names()).toEqual(['sweep-other-web-0', 'sweep-probe-unlabelled']);
  });
});
