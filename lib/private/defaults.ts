import { RELEASE_ID_LENGTH } from '../schema/release';

/** The variable that selects the state store of `StateStore.fromEnvironment`. */
export const STATE_STORE_VARIABLE = 'PIPELINE_STATE';

/** Default values shared by the constructs, kept as data in one place. */
export const DEFAULTS = {
  /** The local registry that a development machine runs. */
  registry: '127.0.0.1:5000',
  /**
   * The docker provider versions the synthesized configuration accepts: the bindings were
   * generated from 3.6.2, and the offline mirror holds a build of the 4.6 line.
   */
  dockerProviderVersion: '>= 3.6.2, < 5.0.0',
  /** Host address that published ports bind to. */
  publishAddress: '127.0.0.1',
  /** How every service's containers are locked down, unless its definition says otherwise. */
  security: {
    /** nobody: a user that owns nothing in the image. */
    user: '65534:65534',
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
  },
  /** Memory limit of each container, in MiB, unless an environment sets one. */
  memoryMb: 256,
  /** CPU limit of each container, unless an environment sets one. */
  cpus: 0.5,
  /** Smallest memory limit the engine accepts, in MiB. */
  minMemoryMb: 6,
  /** Seconds a container may take to become healthy before the deploy fails. */
  healthTimeoutSeconds: 60,
  /** When a service's health check runs and counts, unless the service sets its own. */
  healthCheckTiming: { intervalSeconds: 1, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 2 },
  /** Restart policy of every service container. */
  restartPolicy: 'unless-stopped',
  /** Smoke test retry budget. */
  smokeTestAttempts: 20,
  smokeTestIntervalSeconds: 1,
  smokeTestTimeoutSeconds: 60,
  /** Expected HTTP status of an HTTP smoke test. */
  smokeTestStatus: 200,
  /** Folder of local state files, relative to the project root. */
  stateDirectory: '.pipeline/state',
  /** Prefix of each stack's schema in PostgreSQL state: `<prefix><stack>`. */
  stateSchemaPrefix: 'cdktf_pipeline_',
  /** Hex digits of a release id (of the SHA-256 of its key). */
  releaseIdLength: RELEASE_ID_LENGTH,
  /** Name of the image stage's stack. */
  imageStage: 'image',
  /** Review environments are the stacks named `review-<id>`. */
  reviewPrefix: 'review-',
  /** The variable that names the review environments to synthesize, e.g. '42,login-form'. */
  reviewIdsVariable: 'PIPELINE_REVIEW_IDS',
  /** Label on every container and network of an environment, with its name. */
  environmentLabel: 'cdktf-pipeline.environment',
  /** Most containers of one service. */
  maxReplicas: 20,
  howToDeployUpstream: 'Deploy it first: cdktf deploy <stage>.',
  howToApprove:
    'Approve it with: npx cdktf-pipeline approve <environment> <release> (commit the record), then deploy again.',
} as const;

/** The variable every service container gets with its service's name. */
export const SERVICE_NAME_VARIABLE = 'SERVICE_NAME';

/** The publish address that binds every address of the host. */
export const ANY_ADDRESS = '0.0.0.0';

/** The Terraform variable of a secret: `secret_<name in lowercase>`. */
export function secretVariable(name: string): string {
  return `secret_${name.toLowerCase()}`;
}

/** The environment variable the engine reads a Terraform variable from: `TF_VAR_<name>`. */
export function engineVariable(variable: string): string {
  return `TF_VAR_${variable}`;
}

/** The Terraform variable that holds the state encryption passphrase. */
export const PASSPHRASE_VARIABLE = 'state_passphrase';

/** Suffix of the outputs that publish a service's URL: `<service>_url`. */
export const URL_OUTPUT_SUFFIX = '_url';

/** Defaults of the delivery pipeline model: the commands its steps run, and its settings. */
export const PIPELINE_DEFAULTS = {
  /** How CI jobs and the local runner call this package's CLI. */
  cli: 'npx cdktf-pipeline',
  /** Commands every CI job runs before its steps. */
  setupCommands: [] as readonly string[],
  defaultBranch: 'main',
  /** The scheduled pipeline (review environment expiry): daily at 03:17 UTC. */
  schedule: '17 3 * * *',
  /** The variable that carries a merge request's id into review stages. */
  reviewIdVariable: 'PIPELINE_REVIEW_ID',
  /**
   * The variable that carries the release a pipeline run built (its id) from its image job to
   * the jobs after it, which deploy and approve that release only.
   */
  releaseVariable: 'PIPELINE_RELEASE',
  /**
   * A file the local runner names in each step's environment; the CLI appends `NAME=value`
   * lines for later steps of the run (as GitHub's `GITHUB_OUTPUT`).
   */
  outputVariable: 'PIPELINE_OUTPUT',
  loadConcurrency: 10,
  loadP95Milliseconds: 1000,
} as const;

/** Where the CLI keeps its run-time files (logs, outputs, fingerprints), under the project root. */
export const WORK_DIRECTORY = '.pipeline';

/**
 * The dotenv file every deploy writes for CI systems (ENVIRONMENT_URL, VERIFIED_IMAGE), relative
 * to the project root: the GitLab renderer names it as a job's dotenv report.
 */
export const DEPLOYED_ENV_FILE = `${WORK_DIRECTORY}/outputs/deployed.env`;

/**
 * Where `approve` leaves a copy of every approval record it changed, relative to the project
 * root: CI jobs keep this folder as an artifact, so the record can be committed.
 */
export const APPROVALS_ARTIFACT_DIRECTORY = `${WORK_DIRECTORY}/approvals`;

/**
 * Where `status --markdown` writes the status as Markdown, relative to the project root: the
 * GitLab renderer keeps it as an artifact (GitHub shows it as the job summary).
 */
export const STATUS_MARKDOWN_FILE = `${WORK_DIRECTORY}/status.md`;

/**
 * Where a pipeline run (`run`, and the rendered CI files' status jobs) writes the HTML report,
 * relative to the project root.
 */
export const STATUS_HTML_FILE = `${WORK_DIRECTORY}/status.html`;

/** The file a synthesized delivery describes itself in, beside `manifest.json`. */

/** The file a synthesized app lists its environment stacks in for the parity check. */
export const PARITY_MANIFEST = 'parity.json';

/** Where a backend location pattern puts the stack's name, e.g. `/srv/state/{stack}.tfstate`. */
export const STACK_PLACEHOLDER = '{stack}';

/** Defaults of the Swarm deployment target (`DeploymentTarget.swarm()`). */
export const SWARM_DEFAULTS = {
  /** Tasks that publish a published service's port, one per node: a one-node swarm. */
  publishers: 1,
  /** Tasks updated (and rolled back) at a time. */
  updateParallelism: 1,
  /** Seconds Swarm watches an updated task for failure before it counts as updated. */
  monitorSeconds: 5,
  /** Seconds a deploy waits for a service's rollout or rollback to finish. */
  convergeTimeoutSeconds: 180,
  /**
   * The docker provider versions a Swarm stack accepts: `init` of a service's container spec
   * came in 4.5.0, `networks_advanced.id` (a network reference that does not replace the
   * service on every plan) in 4.0.0.
   */
  dockerProviderVersion: '>= 4.5.0, < 5.0.0',
  /** Swarm service names are DNS labels: at most 63 characters. */
  maxServiceNameLength: 63,
  /** Suffix of the service that publishes a published service's port: `<env>-<service>-published`. */
  publisherSuffix: '-published',
} as const;
