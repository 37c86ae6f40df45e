import { isSwarmRollback, rollbackError } from '../../../../lib/operations/private/swarm-rollback';

/** The end of a deploy log when the docker provider saw the update roll back. */
const LOG = [
  'staging  docker_service.Services_Web_00C5A910: Modifying... [id=x1]',
  'staging  ╷',
  '         │ Error: service rollback completed: update rolled back due to failure or early termination of task dqyawgllads0wkctq2p336h9p',
  '         │',
  '         │   with docker_service.Services_Web_00C5A910,',
  '         │   on cdk.tf.json line 171, in resource "docker_service" "Services_Web_00C5A910":',
  '         ╵',
].join('\n');

describe('Swarm rollback reports', () => {
  test('a deploy log that shows a rollback, and one that does not', () => {
    expect(isSwarmRollback(LOG)).toBe(true);
    expect(isSwarmRollback('Error: Service with ID (x1) did not converge after 3m0s')).toBe(false);
  });

  test('names each rolled back service, why its new tasks failed, and that nothing changed', () => {
    const error = rollbackError(
      'staging',
      LOG,
      [
        {
          service: 'web',
          swarmService: 'staging-web',
          state: 'rollback_completed',
          reasons: ['task: non-zero exit (143): dockerexec: unhealthy container'],
        },
      ],
      '.pipeline/logs/deploy-staging.log',
    );
    expect({ message: error.message, fix: error.fix }).toEqual({
      message:
        "deploy staging failed: Swarm rolled back service 'web' (staging-web): its new tasks failed (task: non-zero exit (143): dockerexec: unhealthy container). staging runs the version it ran before, and its verified release is unchanged.",
      fix: 'See the failed tasks (docker service ps --no-trunc staging-web) and the full log .pipeline/logs/deploy-staging.log; fix the image, then deploy again.',
    });
  });

  test('when the engine cannot tell which service: what the provider said', () => {
    const error = rollbackError('staging', LOG, [], '.pipeline/logs/deploy-staging.log');
    expect({ message: error.message, fix: error.fix }).toEqual({
      message:
        'deploy staging failed: a Swarm service of staging rolled back (the engine said: service rollback completed: update rolled back due to failure or early termination of task dqyawgllads0wkctq2p336h9p). staging runs the version it ran before, and its verified release is unchanged.',
      fix: 'See the failed tasks (docker service ls --filter label=cdktf-pipeline.environment=staging) and the full log .pipeline/logs/deploy-staging.log; fix the image, then deploy again.',
    });
  });
});
