/** The lab's link layouts: which pairs of nodes a link joins (the first dials the second). */
export type Topology = 'line' | 'ring' | 'star' | 'mesh';
export const TOPOLOGIES: readonly Topology[] = ['line', 'ring', 'star', 'mesh'];

export function edges(topology: Topology, nodes: number): [number, number][] {
	const out: [number, number][] = [];
	if (nodes < 2) return out;
	switch (topology) {
		case 'line':
			for (let i = 0; i + 1 < nodes; i++) out.push([i, i + 1]);
			break;
		case 'ring':
			for (let i = 0; i + 1 < nodes; i++) out.push([i, i + 1]);
			if (nodes > 2) out.push([nodes - 1, 0]);
			break;
		case 'star':
			for (let i = 1; i < nodes; i++) out.push([i, 0]);
			break;
		case 'mesh':
			for (let i = 0; i < nodes; i++) for (let j = i + 1; j < nodes; j++) out.push([i, j]);
			break;
	}
	return out;
}
