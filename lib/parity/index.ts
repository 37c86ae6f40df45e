export { EnvironmentParity } from './environment-parity';
export type {
  BackendLocation,
  CheckSynthesizedOptions,
  EnvironmentParityOptions,
  ParityDifference,
  ParityExpectation,
  ParityReport,
} from './environment-parity';
