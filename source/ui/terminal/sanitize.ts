/**
 * Text from outside (a peer's user agent, OP_RETURN data shown as text, labels, log lines that
 * quote peers) goes to the terminal through `sanitize`. Written raw, a control character is a
 * command to the terminal: a peer could move the cursor and draw over the screen, change
 * colours, erase it, or set the clipboard (OSC 52) to an address of its choosing.
 *
 * Every control character is replaced by a visible stand-in of the same width (one column), so
 * the text stays readable, shows that something was there, and keeps the layout:
 *
 * - C0 (U+0000–U+001F) becomes its Unicode control picture: ESC → ␛, CR → ␍, LF → ␊, TAB → ␉,
 *   BEL → ␇, NUL → ␀ …
 * - DEL (U+007F) becomes ␡.
 * - C1 (U+0080–U+009F; U+009B is a one-character CSI to many terminals) becomes � (U+FFFD):
 *   there are no control pictures for them.
 * - The bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) become �
 *   too: terminals that do bidi would let them draw the rest of the line reversed ("Trojan
 *   Source"), so a peer could make one address or amount look like another.
 *
 * Newlines are escaped as well: everything shown this way is one line of a pane.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const standIn = (ch: string): string => {
	const code = ch.charCodeAt(0);
	if (code < 0x20) return String.fromCharCode(0x2400 + code);
	if (code === 0x7f) return '\u2421';
	return '\ufffd';
};

/** True when `text` holds something `sanitize` would replace. */
export function needsSanitizing(text: string): boolean {
	return UNSAFE.test(text);
}

/**
 * `text` safe to write to the terminal (see above). Clean text, the usual case, is returned as
 * is (one regex test, no copy).
 */
export function sanitize(text: string): string {
	if (!UNSAFE.test(text)) return text;
	return text.replace(UNSAFE_ALL, standIn);
}

/**
 * `text` without the characters `sanitize` would escape: for what goes into a value (a pasted
 * address, a typed label) rather than onto the screen.
 */
export function stripControls(text: string): string {
	if (!UNSAFE.test(text)) return text;
	return text.replace(UNSAFE_ALL, '');
}
