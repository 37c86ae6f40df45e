import { invalidValue } from '../../private/errors';
import { isPlainObject } from '../../private/shape';
import { EnvironmentConfig } from '../environment-config';
import { Setting, Settings } from '../setting';

import { settingsOf, settingVariable } from './environment-values';

/** A setting name: a letter, then letters and digits (camelCase) or words joined by _. */
const SETTING_NAME = /^[a-z][a-zA-Z0-9]*(_[a-z0-9]+)*$/;

/**
 * The problems of the delivery's own settings: each must be made by a Setting factory, and its
 * name must make a Terraform variable of its own.
 */
export function settingsDeclarationProblems(settings: unknown, fix: string): string[] {
  if (settings === undefined) return [];
  if (!isPlainObject(settings)) {
    return [
      invalidValue('delivery', 'settings', 'must be an object of settings by name', settings, fix),
    ];
  }
  const problems: string[] = [];
  const variables = new Map<string, string>();
  for (const [name, setting] of Object.entries(settings)) {
    if (!(setting instanceof Setting)) {
      problems.push(
        invalidValue(
          'delivery',
          `settings.${name}`,
          'must be made with Setting.string(), .number(), .bool(), .list() or .map()',
          setting,
          fix,
        ),
      );
    }
    if (!SETTING_NAME.test(name) || name.length > 64) {
      problems.push(
        invalidValue(
          'delivery',
          'settings',
          'names must start with a lowercase letter, then letters and digits (camelCase) or words joined by _, at most 64 characters',
          name,
          `Rename that setting in the props of the Delivery.`,
        ),
      );
      continue;
    }
    const variable = settingVariable(name);
    const other = variables.get(variable);
    if (other !== undefined) {
      problems.push(
        invalidValue(
          'delivery',
          `settings.${name}`,
          `must have a variable of its own, and '${other}' has the same (${variable})`,
          name,
          'Rename one of the two settings.',
        ),
      );
    }
    variables.set(variable, name);
  }
  return problems;
}

/**
 * The problems of the values one environment gives the delivery's own settings: a setting it
 * does not have, a required one left out, a value its setting does not allow. Each names the
 * environment, the setting, the value and the file to fix.
 */
export function settingValueProblems(environment: EnvironmentConfig, settings: Settings): string[] {
  const subject = `environment '${environment.name}'`;
  const given = settingsOf(environment);
  const problems: string[] = [];
  if (!isPlainObject(given)) {
    return [
      invalidValue(
        subject,
        'settings',
        'must be an object of setting values by name',
        given,
        `Fix it in ${environment.source}.`,
      ),
    ];
  }
  for (const [name, setting] of Object.entries(settings)) {
    const field = `settings.${name}`;
    const value = given[name];
    if (value === undefined) {
      if (!setting.optional) {
        problems.push(
          invalidValue(
            subject,
            field,
            'must be set: the delivery declares it without a default',
            undefined,
            `Set ${field} in ${environment.source}.`,
          ),
        );
      }
      continue;
    }
    const rule = setting.ruleBrokenBy(value);
    if (rule !== undefined) {
      problems.push(
        invalidValue(subject, field, rule, value, `Set ${field} in ${environment.source}.`),
      );
    }
  }
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(settings, name)) {
      const names = Object.keys(settings);
      problems.push(
        invalidValue(
          subject,
          `settings.${name}`,
          names.length > 0
            ? `must name a setting of the delivery (${names.join(', ')})`
            : 'must name a setting of the delivery, which declares none',
          name,
          `Remove it from ${environment.source}, or declare it in the settings of the Delivery.`,
        ),
      );
    }
  }
  return problems;
}
