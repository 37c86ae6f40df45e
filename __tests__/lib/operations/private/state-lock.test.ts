import { OperationError } from '../../../../lib/operations/private/operation-error';
import { lockTimeoutEnv, namedConnection } from '../../../../lib/operations/private/state-lock';

describe('state locks', () => {
  test('the lock timeout goes to every engine command that locks, from PIPELINE_LOCK_TIMEOUT', () => {
    expect(lockTimeoutEnv({})).toEqual({
      timeout: '120s',
      env: {
        TF_CLI_ARGS_plan: '-lock-timeout=120s',
        TF_CLI_ARGS_apply: '-lock-timeout=120s',
        TF_CLI_ARGS_destroy: '-lock-timeout=120s',
        TF_CLI_ARGS_refresh: '-lock-timeout=120s',
        TF_CLI_ARGS_import: '-lock-timeout=120s',
      },
    });
    expect(lockTimeoutEnv({ PIPELINE_LOCK_TIMEOUT: '5m' }).env.TF_CLI_ARGS_apply).toBe(
      '-lock-timeout=5m',
    );
    expect(() => lockTimeoutEnv({ PIPELINE_LOCK_TIMEOUT: 'soon' })).toThrow(
      new OperationError(
        "PIPELINE_LOCK_TIMEOUT must be a duration such as 30s or 5m, got 'soon'.",
        '',
      ),
    );
  });

  test('every deploy names its PostgreSQL session, in either form of connection string, and keeps the rest', () => {
    expect(
      namedConnection(
        'postgres://u:p@127.0.0.1:5544/db?sslmode=disable',
        'deploy dev by a@b (pid 1)',
      ),
    ).toBe(
      'postgres://u:p@127.0.0.1:5544/db?sslmode=disable&application_name=deploy+dev+by+a%40b+%28pid+1%29',
    );
    expect(namedConnection('host=127.0.0.1 dbname=db', "deploy o'neil")).toBe(
      "host=127.0.0.1 dbname=db application_name='deploy o\\'neil'",
    );
    expect(namedConnection(undefined, 'x')).toBeUndefined();
  });
});
