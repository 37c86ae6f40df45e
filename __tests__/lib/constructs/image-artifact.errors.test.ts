import { ImageArtifact } from '../../../lib';
import { PROJECT_ROOT, problemsOf } from '../../helpers/test-app';
import { testStack } from '../../helpers/test-app';

describe('ImageArtifact errors', () => {
  test('a repository that is not a registry path', () => {
    expect(
      problemsOf(
        () =>
          new ImageArtifact(testStack(), 'App', {
            context: `${PROJECT_ROOT}/service/web`,
            repository: 'My App',
          }),
      ),
    ).toEqual([
      "image artifact 'App': 'repository' must be a lowercase registry path (letters, digits, . _ - and /), got 'My App'. Use a name such as sample-service.",
    ]);
  });

  test('a context without a Dockerfile, and an empty smoke test, reported together', () => {
    expect(
      problemsOf(
        () =>
          new ImageArtifact(testStack(), 'App', {
            context: `${PROJECT_ROOT}/environments`,
            repository: 'app',
            smokeTest: [],
          }),
      ),
    ).toEqual([
      `image artifact 'App': 'context' must be a folder with a Dockerfile, got '${PROJECT_ROOT}/environments'. Create ${PROJECT_ROOT}/environments/Dockerfile, or point context at the service's folder.`,
      `image artifact 'App': 'smokeTest' must hold a command and its arguments, got []. Give a command such as ["wget", "-q", "-O-", "http://127.0.0.1/"], or leave smokeTest out.`,
    ]);
  });
});
