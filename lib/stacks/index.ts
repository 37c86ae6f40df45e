export { Delivery } from './delivery';
export type { DeliveryImageProps, DeliveryProps } from './delivery';
export type { DeliveryEnvironment } from './delivery-environment';
export { DeploymentTarget } from './deployment-target';
export type {
  EnvironmentConfig,
  EnvironmentConfigBase,
  EnvironmentSettingsConfig,
  ServiceSettings,
} from './environment-config';
export { EnvironmentInstance } from './environment-instance';
export type { EnvironmentInstanceProps } from './environment-instance';
export { EnvironmentStack } from './environment-stack';
export type { EnvironmentStackProps } from './environment-stack';
export { ImageStack } from './image-stack';
export type { ImageBuildProps, ImageStackProps } from './image-stack';
export { Setting } from './setting';
export type {
  BoolSettingOptions,
  HasDefault,
  ListSettingOptions,
  MapSettingOptions,
  NumberSettingOptions,
  RequiredSettingNames,
  SettingKind,
  SettingOptions,
  SettingReference,
  SettingReferences,
  Settings,
  SettingValue,
  SettingValueOf,
  SettingValues,
  StringSettingOptions,
  WithDefault,
} from './setting';
export { StateEncryption } from './state-encryption';
export type { PassphraseEncryptionProps } from './state-encryption';
export { StateStore } from './state-store';
export { STATE_STORE_VARIABLE } from '../private/defaults';
export type { LocalStateStoreProps, PostgresStateStoreProps } from './state-store';
export { validateEnvironments } from './validate-environments';
export type { ValidateEnvironmentsOptions } from './validate-environments';
