/**
 * Node k's own panes inside the lab: the app's screen (the same App and panes), fed by a store
 * that reads node k over its JSON-RPC, as any client could, and actions that are RPC calls. The
 * lab stays a client of its nodes: nothing here reaches into a node's process.
 *
 * What RPC cannot give is said, not made up: the signature backend, staking's last slot tries,
 * payments to the wallet, and the address explorer (it reads the node's own index) are left out.
 */
import React, {useEffect, useMemo} from 'react';
import {App, type TerminalControl} from '../../app.js';
import {networkByName} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import {RpcActions} from './rpc-actions.js';
import {RpcNodeStore} from './rpc-node-store.js';

/** Node k's screen: the app over RPC, for as long as it shows. */
export function NodeOverRpc({lab, index, onBack, size, terminal}: {readonly lab: Lab; readonly index: number; readonly onBack: () => void; readonly size: {columns: number; rows: number}; readonly terminal?: TerminalControl}) {
	const {store, actions, net} = useMemo(() => {
		const store = new RpcNodeStore(lab, index);
		const net = networkByName(lab.options.network);
		return {store, actions: new RpcActions(store, net), net};
	}, [lab, index]);
	useEffect(() => {
		store.start();
		return () => store.close();
	}, [store]);
	return <App store={store} actions={actions} addressVersion={net.addressVersion} maxMoney={net.maxMoney} onQuit={onBack} quitLabel={`back to the lab (${lab.nodes[index]?.name ?? ''})`} size={size} terminal={terminal} />;
}
