/** StdStream: the first error on a standard stream stops writing there, once, without throwing. */
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {StdStream} from '../../source/node/log.js';

/** A stream that takes `good` writes, then fails every write with EPIPE (a reader gone). */
function closingStream(good: number) {
	const written: string[] = [];
	let calls = 0;
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			calls++;
			if (calls > good) return callback(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}));
			written.push(String(chunk));
			callback();
		},
	});
	return {stream, written, calls: () => calls};
}

describe('StdStream', () => {
	it('writes until EPIPE, then stops writing, tells onClose once, and never throws', async () => {
		const {stream, written, calls} = closingStream(2);
		const out = new StdStream(stream as unknown as NodeJS.WriteStream);
		const closes: string[] = [];
		out.onClose = code => closes.push(code);
		out.write('a\n');
		out.write('b\n');
		out.write('c\n'); // fails: the error comes on the stream's 'error' event
		await new Promise(resolve => setImmediate(resolve));
		expect(out.closed).toBe('EPIPE');
		expect(closes).toEqual(['EPIPE']);
		for (let i = 0; i < 5; i++) out.write('more\n');
		await new Promise(resolve => setImmediate(resolve));
		expect(written).toEqual(['a\n', 'b\n']);
		expect(calls()).toBe(3); // nothing reached the stream after the failure
		expect(closes).toEqual(['EPIPE']);
	});

	it('a stream already destroyed is not written, and says so', () => {
		const {stream, calls} = closingStream(10);
		stream.destroy();
		const out = new StdStream(stream as unknown as NodeJS.WriteStream);
		out.write('x\n');
		expect(out.closed).toBe('closed');
		expect(calls()).toBe(0);
	});
});
