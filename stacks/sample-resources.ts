import { Volume } from '@cdktf/provider-docker/lib/volume';

import { DeliveryEnvironment } from '../lib';

import { SAMPLE_SETTINGS } from './sample-settings';

/** Label of the data volume that says how long its content is kept. */
export const RETENTION_LABEL = 'sample.retention';

/**
 * The sample's own resources, built in every environment stack: a data volume (tmpfs), named
 * like the environment's containers, sized and labelled by the environment's settings.
 */
export function sampleResources(environment: DeliveryEnvironment<typeof SAMPLE_SETTINGS>): void {
  const { settings } = environment;
  new Volume(environment.stack, 'Data', {
    name: `${environment.dockerName}-data`,
    driver: 'local',
    driverOpts: { type: 'tmpfs', device: 'tmpfs', o: `size=${settings.dataSizeMb}m` },
    labels: [
      ...Object.entries(environment.labels).map(([label, value]) => ({ label, value })),
      { label: RETENTION_LABEL, value: settings.dataRetention },
    ],
  });
}
