import { App, Testing } from 'cdktf';

import { Approval, Delivery, EnvironmentConfig, Setting, Settings } from '../../../lib';
import { SERVICES, sampleImages } from '../../../stacks/sample-service';
import { fixtureEnvironment, problemsOf, PROJECT_ROOT } from '../../helpers/test-app';

/** One setting of each kind, with a rule each. */
const SETTINGS = {
  label: Setting.string({ description: 'A label.', oneOf: ['blue', 'green'] }),
  sizeMb: Setting.number({ description: 'A size.', min: 1, max: 512, integer: true }),
  backups: Setting.bool({ description: 'Whether to back up.' }),
  zones: Setting.list({ description: 'Zones.', minItems: 1, itemPattern: /[a-z]+-\d/ }),
  tags: Setting.map({ description: 'Tags.', keyPattern: /[a-z]+/, default: {} }),
};

/** A delivery of the sample's services with these settings and untyped environments. */
function build(settings: unknown, ...environments: unknown[]): void {
  new Delivery(Testing.app() as App, 'Delivery', {
    images: sampleImages(),
    services: SERVICES,
    settings: settings as Settings,
    environments: environments as EnvironmentConfig[],
    projectRoot: PROJECT_ROOT,
  });
}

const env = (settings: unknown) =>
  fixtureEnvironment({ name: 'qa', settings: settings as EnvironmentConfig['settings'] });

describe('settings of the delivery, bad values', () => {
  test('a value of each kind that its setting does not allow: one problem each, naming environment, setting, value and file', () => {
    expect(
      problemsOf(() =>
        build(
          SETTINGS,
          env({ label: 'red', sizeMb: 0.5, backups: 'yes', zones: ['EU'], tags: { 'a b': 'x' } }),
        ),
      ),
    ).toEqual([
      "environment 'qa': 'settings.label' must be one of 'blue', 'green', got 'red'. Set settings.label in environments/test.ts.",
      "environment 'qa': 'settings.sizeMb' must be a whole number, got 0.5. Set settings.sizeMb in environments/test.ts.",
      "environment 'qa': 'settings.backups' must be true or false, got 'yes'. Set settings.backups in environments/test.ts.",
      "environment 'qa': 'settings.zones' must hold only items that match /[a-z]+-\\d/, got [\"EU\"]. Set settings.zones in environments/test.ts.",
      'environment \'qa\': \'settings.tags\' must have only keys that match /[a-z]+/, got {"a b":"x"}. Set settings.tags in environments/test.ts.',
    ]);
  });

  test('wrong types, out of bounds, a required one left out, one the delivery does not declare', () => {
    expect(
      problemsOf(() =>
        build(SETTINGS, env({ label: 7, sizeMb: 1024, zones: [], tags: 'x', colour: 'red' })),
      ),
    ).toEqual([
      "environment 'qa': 'settings.label' must be a one-line string, got 7. Set settings.label in environments/test.ts.",
      "environment 'qa': 'settings.sizeMb' must be from 1 to 512, got 1024. Set settings.sizeMb in environments/test.ts.",
      "environment 'qa': 'settings.backups' must be set: the delivery declares it without a default, got nothing. Set settings.backups in environments/test.ts.",
      "environment 'qa': 'settings.zones' must have at least 1 item, got []. Set settings.zones in environments/test.ts.",
      "environment 'qa': 'settings.tags' must be an object of one-line strings, got 'x'. Set settings.tags in environments/test.ts.",
      "environment 'qa': 'settings.colour' must name a setting of the delivery (label, sizeMb, backups, zones, tags), got 'colour'. Remove it from environments/test.ts, or declare it in the settings of the Delivery.",
    ]);
  });

  test('every environment is checked, and an environment without settings misses each required one', () => {
    expect(
      problemsOf(() =>
        build(
          { sizeMb: SETTINGS.sizeMb },
          fixtureEnvironment({ name: 'qa' }),
          fixtureEnvironment({
            name: 'live',
            upstream: 'qa',
            approval: Approval.none(),
            services: { web: { replicas: 1, port: 18580 }, api: { replicas: 1 } },
            settings: { sizeMb: -1 },
            source: 'environments/live.ts',
          }),
        ),
      ),
    ).toEqual([
      "environment 'qa': 'settings.sizeMb' must be set: the delivery declares it without a default, got nothing. Set settings.sizeMb in environments/test.ts.",
      "environment 'live': 'settings.sizeMb' must be from 1 to 512, got -1. Set settings.sizeMb in environments/live.ts.",
    ]);
  });

  test('settings given to a delivery that declares none', () => {
    expect(problemsOf(() => build(undefined, env({ sizeMb: 1 })))).toEqual([
      "environment 'qa': 'settings.sizeMb' must name a setting of the delivery, which declares none, got 'sizeMb'. Remove it from environments/test.ts, or declare it in the settings of the Delivery.",
    ]);
  });

  test('declarations: not made by a factory, a name that makes no variable, two names with one variable', () => {
    expect(
      problemsOf(() =>
        build(
          {
            size: { kind: 'number' },
            'data-size': SETTINGS.sizeMb,
            dataSize: SETTINGS.sizeMb,
            data_size: SETTINGS.sizeMb,
          },
          env(undefined),
        ),
      ),
    ).toEqual([
      'delivery: \'settings.size\' must be made with Setting.string(), .number(), .bool(), .list() or .map(), got {"kind":"number"}. Fix it in the props of the Delivery.',
      "delivery: 'settings' names must start with a lowercase letter, then letters and digits (camelCase) or words joined by _, at most 64 characters, got 'data-size'. Rename that setting in the props of the Delivery.",
      "delivery: 'settings.data_size' must have a variable of its own, and 'dataSize' has the same (setting_data_size), got 'data_size'. Rename one of the two settings.",
    ]);
  });
});

describe('Setting factories, bad options', () => {
  test('each problem of the options at once, and a default its own rules refuse', () => {
    expect(
      problemsOf(() =>
        Setting.number({ description: '', min: 10, max: 1, integer: 'yes' as unknown as boolean }),
      ),
    ).toEqual([
      "Setting.number(): 'description' must be a non-empty string, got ''. Fix the options of Setting.number.",
      "Setting.number(): 'max' must be at least min (10), got 1. Fix the options of Setting.number.",
      "Setting.number(): 'integer' must be true or false, got 'yes'. Fix the options of Setting.number.",
    ]);
    expect(
      problemsOf(() =>
        Setting.string({ description: 'A label.', oneOf: [], pattern: 'x' as unknown as RegExp }),
      ),
    ).toEqual([
      "Setting.string(): 'pattern' must be a regular expression, got 'x'. Fix the options of Setting.string.",
      "Setting.string(): 'oneOf' must be a non-empty list of one-line strings, got []. Fix the options of Setting.string.",
    ]);
    expect(
      problemsOf(() => Setting.list({ description: 'Zones.', maxItems: 1, default: ['a', 'b'] })),
    ).toEqual([
      'Setting.list(): \'default\' must have at most 1 item, got ["a","b"]. Give a default that the setting allows.',
    ]);
    expect(problemsOf(() => Setting.bool(null as unknown as { description: string }))).toEqual([
      "Setting.bool(): 'options' must be an object, got null. Fix the options of Setting.bool.",
    ]);
  });
});
