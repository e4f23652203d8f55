import type { Clock } from '../../../../../core/clock.js';
import type { Random } from '../../../../../core/random.js';
import type { TimingProfile } from '../../../profiles.js';
import type { EventRecorder } from '../events.js';
import type { ObjectStore } from '../store.js';

/** What every controller is given: the cluster state, time, randomness, events and the timing profile. */
export interface ControllerContext {
  store: ObjectStore;
  clock: Clock;
  random: Random;
  events: EventRecorder;
  profile: TimingProfile;
}

export interface Controller {
  readonly name: string;
  /** Brings the world one step closer to the desired state; `dt` is the simulated seconds since the last call. */
  reconcile(dt: number): void;
}
