// Node has WebAssembly as a global, but TypeScript declares it only in its DOM libraries, which
// would bring window, document and the rest into a program that has none. What we use, declared:
declare namespace WebAssembly {
	class Module {
		constructor(bytes: Uint8Array);
	}
	class Instance {
		constructor(module: Module, imports?: object);
		readonly exports: Record<string, unknown>;
	}
	function validate(bytes: Uint8Array): boolean;
}
