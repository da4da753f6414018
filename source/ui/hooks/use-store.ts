import {useSyncExternalStore} from 'react';
import type {Snapshot} from '../../store/snapshot.js';

export interface SnapshotSource {
	subscribe(listener: () => void): () => void;
	getSnapshot(): Snapshot;
}

/** The node's snapshot, re-rendering at most as often as the store notifies (~10 Hz). */
export function useSnapshot(store: SnapshotSource): Snapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
