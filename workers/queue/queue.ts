/** The queue and places store lives in common/places.ts (the web app reads it too); re-exported for the workers. */
export { NoPlaceError, PlacementQueue, QueueStateError } from '../../common/places';
export type { Home, QueueEntry } from '../../common/places';
