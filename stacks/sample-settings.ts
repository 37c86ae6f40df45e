import { Setting, SettingValues } from '../lib';

/**
 * The sample delivery's own settings: each environment gives its data volume's size, and may say
 * how long its data is kept (the volume's label).
 */
export const SAMPLE_SETTINGS = {
  dataSizeMb: Setting.number({
    description: 'Size of the data volume (tmpfs), in MiB.',
    min: 1,
    max: 256,
    integer: true,
  }),
  dataRetention: Setting.string({
    description: "How long the data volume's content is kept: its retention label.",
    oneOf: ['1d', '7d', '30d'],
    default: '7d',
  }),
};

/** What an environment of the sample gives the settings. */
export type SampleSettings = SettingValues<typeof SAMPLE_SETTINGS>;
