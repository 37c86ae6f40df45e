import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SINGLE_IMAGE } from './release';

/** The file beside cdktf's `manifest.json` in which a synthesized delivery describes itself. */
export const DELIVERY_MANIFEST = 'delivery.json';

/**
 * The version of {@link DeliveryManifest} this package writes and reads. A change that an older
 * reader would misread raises it; readers refuse a version they do not know.
 */
export const DELIVERY_MANIFEST_VERSION = 1;

/** Where one stack's state is: a local file (absolute path) or a PostgreSQL schema. */
export type StateLocation =
  | { readonly backend: 'local'; readonly path: string }
  | { readonly backend: 'pg'; readonly schema: string };

/** A delivery's state store: a folder of local files, or PostgreSQL schemas with a prefix. */
export type StateStoreManifest =
  | { readonly backend: 'local'; readonly directory: string }
  | { readonly backend: 'pg'; readonly schemaPrefix: string };

/** One stage of a synthesized delivery, as the CLI needs it. */
export interface StageManifest {
  /** Stack name. */
  readonly name: string;
  readonly kind: 'image' | 'environment';
  /** The stage whose verified release this one deploys (environments only). */
  readonly upstream?: string;
  /** Whether it is a review environment. */
  readonly review: boolean;
  /** Where its state is: a local file (absolute path) or a PostgreSQL schema. */
  readonly state: StateLocation;
  /** Absolute path of its approval record, when it requires approval. */
  readonly approvalRecord?: string;
  /**
   * What its containers, networks and Swarm services are named after, and the value of their
   * environment label: the delivery's name prefix and the stack name (environments only; absent
   * before 0.6: the stack name).
   */
  readonly dockerName?: string;
}

/** The name an environment's Docker objects start with and are labelled with. */
export function dockerNameOf(stage: StageManifest): string {
  return stage.dockerName ?? stage.name;
}

/** An image of the delivery's releases. */
export interface ImageManifest {
  readonly name: string;
  readonly repository: string;
}

/** A secret of the delivery: its name and the services that read it (never a value). */
export interface SecretManifest {
  readonly name: string;
  readonly services: readonly string[];
}

/** A smoke test, as the CLI's post-deployment check runs it. */
export interface SmokeTestManifest {
  readonly name: string;
  readonly service: string;
  readonly path: string;
  readonly expectStatus: number;
  readonly bodyContains?: string;
}

/** What a synthesized delivery says of itself, written beside cdktf's `manifest.json`. */
export interface DeliveryManifest {
  readonly version: typeof DELIVERY_MANIFEST_VERSION;
  readonly projectRoot: string;
  readonly imageStage: string;
  readonly reviewPrefix: string;
  /** The state store every stage uses. */
  readonly state: StateStoreManifest;
  /** Whether every stage's state and plans are encrypted (absent before 0.4: no). */
  readonly stateEncrypted?: boolean;
  /** PBKDF2 iterations the stages' state is written with (absent: OpenTofu's default). */
  readonly stateEncryptionIterations?: number;
  /** PBKDF2's hash function the stages' state is written with (absent: OpenTofu's default). */
  readonly stateEncryptionHashFunction?: 'sha256' | 'sha512';
  /** The secrets every environment needs (absent before 0.4: none). */
  readonly secrets?: readonly SecretManifest[];
  /** Where every environment's services run (absent in manifests of 0.2: containers). */
  readonly target?: 'containers' | 'swarm';
  /**
   * The images of a release, by name, with their repositories (absent before 0.7: one image,
   * 'app').
   */
  readonly images?: readonly ImageManifest[];
  /** The registry the images are pushed to, `host:port` (absent before 0.7: the local one). */
  readonly registry?: string;
  /** Every stage, upstream before downstream. */
  readonly stages: readonly StageManifest[];
  readonly smokeTests: readonly SmokeTestManifest[];
}

/** Reads the delivery manifest of a synthesized app; undefined when the app has no delivery. */
export function readDeliveryManifest(outdir: string): DeliveryManifest | undefined {
  const file = join(outdir, DELIVERY_MANIFEST);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DeliveryManifest;
}

/** Whether this package reads a manifest of that version (a newer package may write others). */
export function isReadableVersion(version: unknown): boolean {
  return version === DELIVERY_MANIFEST_VERSION;
}

/** The names of the images of a delivery's releases. */
export function imageNames(delivery: DeliveryManifest): string[] {
  return (delivery.images ?? [{ name: SINGLE_IMAGE }]).map((i) => i.name);
}
