/**
 * JSON for the RPC interface with exact numbers. Numbers in a request keep their source text
 * (Node 20's JSON.parse cannot give it), so an amount like 0.1 becomes 10,000,000 base units
 * without passing through binary floating point; amounts go out as Bitcoin Core writes them,
 * numbers with 8 decimals.
 */

/** A number as written in the request. */
export class JsonNumber {
	constructor(readonly text: string) {}

	toNumber(): number {
		return Number(this.text);
	}
}

/** Base units, written as a number with 8 decimals (12.50000000). */
export class Amount {
	constructor(readonly units: bigint) {}
}

export class JsonSyntaxError extends Error {
	override readonly name = 'JsonSyntaxError';
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | {[key: string]: JsonValue};

const MAX_DEPTH = 64;

/** Parses JSON, keeping numbers as JsonNumber. Throws JsonSyntaxError with a position. */
export function parseJson(text: string): JsonValue {
	let i = 0;
	const fail = (what: string): never => {
		throw new JsonSyntaxError(`${what} at position ${i}`);
	};
	const ws = () => {
		while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
	};
	const value = (depth: number): JsonValue => {
		if (depth > MAX_DEPTH) fail('nesting too deep');
		ws();
		const c = text[i];
		if (c === '{') {
			i++;
			const out: {[key: string]: JsonValue} = {};
			ws();
			if (text[i] === '}') {
				i++;
				return out;
			}
			for (;;) {
				ws();
				if (text[i] !== '"') fail('expected a key');
				const key = string();
				ws();
				if (text[i++] !== ':') fail('expected ":"');
				// defineProperty: a key "__proto__" is data, never the object's prototype.
				Object.defineProperty(out, key, {value: value(depth + 1), enumerable: true, writable: true, configurable: true});
				ws();
				if (text[i] === ',') {
					i++;
					continue;
				}
				if (text[i] === '}') {
					i++;
					return out;
				}
				fail('expected "," or "}"');
			}
		}
		if (c === '[') {
			i++;
			const out: JsonValue[] = [];
			ws();
			if (text[i] === ']') {
				i++;
				return out;
			}
			for (;;) {
				out.push(value(depth + 1));
				ws();
				if (text[i] === ',') {
					i++;
					continue;
				}
				if (text[i] === ']') {
					i++;
					return out;
				}
				fail('expected "," or "]"');
			}
		}
		if (c === '"') return string();
		if (text.startsWith('true', i)) {
			i += 4;
			return true;
		}
		if (text.startsWith('false', i)) {
			i += 5;
			return false;
		}
		if (text.startsWith('null', i)) {
			i += 4;
			return null;
		}
		const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
		if (!m) return fail('unexpected character');
		i += m[0].length;
		return new JsonNumber(m[0]);
	};
	const string = (): string => {
		i++; // opening quote
		let out = '';
		for (;;) {
			const c = text[i++];
			if (c === undefined) fail('unterminated string');
			if (c === '"') return out;
			if (c === '\\') {
				const e = text[i++];
				const map: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'};
				if (e === 'u') {
					const hex = text.slice(i, i + 4);
					if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
					out += String.fromCharCode(Number.parseInt(hex, 16));
					i += 4;
				} else if (e !== undefined && e in map) out += map[e];
				else fail('bad escape');
			} else if (c! < ' ') fail('control character in string');
			else out += c;
		}
	};
	const result = value(0);
	ws();
	if (i !== text.length) fail('trailing characters');
	return result;
}

function formatUnits(units: bigint): string {
	const negative = units < 0n;
	const abs = negative ? -units : units;
	return `${negative ? '-' : ''}${abs / 100_000_000n}.${(abs % 100_000_000n).toString().padStart(8, '0')}`;
}

/** Like JSON.stringify, writing Amount as an 8-decimal number and bigint as a plain number. */
export function stringifyJson(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (value instanceof Amount) return formatUnits(value.units);
	if (value instanceof JsonNumber) return value.text;
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
	if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(v => stringifyJson(v)).join(',')}]`;
	if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('hex'));
	const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`).join(',')}}`;
}

/** Converts parsed JSON back to plain values (JsonNumber -> number) for non-amount uses. */
export function plainJson(value: JsonValue): unknown {
	if (value instanceof JsonNumber) return value.toNumber();
	if (Array.isArray(value)) return value.map(plainJson);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
	return value;
}

/** Indented JSON, numbers as written (what `chain-tui rpc` prints). */
export function prettyJson(value: JsonValue, indent = ''): string {
	const next = `${indent}  `;
	if (Array.isArray(value)) return value.length === 0 ? '[]' : `[\n${value.map(v => next + prettyJson(v, next)).join(',\n')}\n${indent}]`;
	if (value instanceof JsonNumber) return value.text;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value);
		return entries.length === 0 ? '{}' : `{\n${entries.map(([k, v]) => `${next}${JSON.stringify(k)}: ${prettyJson(v, next)}`).join(',\n')}\n${indent}}`;
	}
	return JSON.stringify(value);
}
