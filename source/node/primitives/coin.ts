import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {MAX_SCRIPT_SIZE} from './script.js';

/** An unspent output as the UTXO set keeps it: the output plus where it was created. */
export class Coin {
	constructor(
		readonly value: bigint,
		readonly script: Uint8Array,
		readonly height: number,
		readonly coinbase: boolean,
	) {}

	toRaw(): Uint8Array {
		return new Writer(16 + this.script.length)
			.u32(this.height)
			.u8(this.coinbase ? 1 : 0)
			.i64(this.value)
			.varBytes(this.script)
			.finish();
	}

	static read(r: Reader): Coin {
		const height = r.u32();
		const coinbase = r.u8() === 1;
		const value = r.i64();
		return new Coin(value, r.varBytes(MAX_SCRIPT_SIZE), height, coinbase);
	}

	static fromRaw(data: Uint8Array): Coin {
		const r = new Reader(data);
		const coin = Coin.read(r);
		r.end();
		return coin;
	}
}
