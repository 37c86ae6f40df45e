import { containerNames, deploy, destroy, httpGet, networkNames } from '../helpers/cli';

jest.setTimeout(10 * 60 * 1000);

describe('the sample service, deployed with the cdktf CLI', () => {
  let before: { containers: string[]; networks: string[] };

  beforeAll(async () => {
    before = { containers: await containerNames(), networks: await networkNames() };
  });

  afterAll(async () => {
    await destroy('service');
  });

  test('deploys, answers on /health, and is gone after destroy', async () => {
    await deploy('service');
    expect(await containerNames()).toContain('service-web');

    const health = await httpGet('http://127.0.0.1:8080/cgi-bin/health');
    expect(health.status).toBe(200);
    expect(health.body).toContain('ok web');

    await destroy('service');
    expect(await containerNames()).toEqual(before.containers);
    expect(await networkNames()).toEqual(before.networks);
    expect((await httpGet('http://127.0.0.1:8080/cgi-bin/health')).status).toBe(0);
  });
});
