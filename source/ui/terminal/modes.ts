/**
 * The terminal modes this app sets, as named escape sequences. Everything the app turns on is
 * turned off again by `leaveScreen()`, so the shell gets back the terminal it had (a terminal
 * left with mouse reporting or bracketed paste on types junk into the shell at the next click
 * or paste).
 */

const CSI = '\x1b[';

/** Alternate screen (1049): the shell's screen and scrollback come back untouched on leave. */
export const ALT_SCREEN_ON = `${CSI}?1049h`;
export const ALT_SCREEN_OFF = `${CSI}?1049l`;

export const CURSOR_HIDE = `${CSI}?25l`;
export const CURSOR_SHOW = `${CSI}?25h`;

/**
 * Mouse reporting: 1000 reports presses, releases and the wheel; 1006 makes the terminal send
 * them in SGR form (`ESC[<b;x;yM`), which has no 223-column limit and cannot be mistaken for
 * UTF-8. Drag reporting (1002) and motion (1003) stay off: nothing here uses them, and they
 * flood the input with events. The SGR form is on before reporting starts and reporting stops
 * before the form goes, so no report is ever sent in the old X10 form in between.
 */
export const MOUSE_ON = `${CSI}?1006h${CSI}?1000h`;
export const MOUSE_OFF = `${CSI}?1000l${CSI}?1006l`;

/** Bracketed paste (2004): the terminal wraps a paste in `ESC[200~` … `ESC[201~`. */
export const PASTE_ON = `${CSI}?2004h`;
export const PASTE_OFF = `${CSI}?2004l`;

/**
 * Synchronized output (2026): a terminal that knows it shows what comes between begin and end
 * at once, so a frame never appears half drawn; others ignore both.
 */
export const SYNC_BEGIN = `${CSI}?2026h`;
export const SYNC_END = `${CSI}?2026l`;

/** Erase the whole screen and put the cursor home (top left). */
export const ERASE_SCREEN = `${CSI}2J${CSI}H`;

/** Every SGR attribute (colour, bold, inverse …) back to the default. */
export const RESET_ATTRIBUTES = `${CSI}0m`;

/**
 * Puts `text` on the system clipboard: OSC 52 (`ESC ] 52 ; c ; <base64 of the UTF-8> BEL`).
 * This works over ssh, because the terminal, not this process, sets the clipboard. Terminals
 * that do not know OSC 52 ignore it. Inside tmux it needs `set -g set-clipboard on` (tmux's
 * default `external` drops it when an application sends it). Some terminals cap the length
 * (tens of kilobytes), so keep it to addresses, txids and the like.
 *
 * BEL ends the sequence. ST (`ESC \`), which Neovim 0.10 sends, would do as well: terminals that
 * implement OSC 52 accept either.
 */
export function osc52(text: string): string {
	return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export interface ScreenOptions {
	/** Report mouse presses, releases and the wheel (modes 1000 + 1006). Default true. */
	readonly mouse?: boolean;
	/** Bracketed paste (2004). Default true. */
	readonly paste?: boolean;
}

/**
 * Everything the full-screen app needs, in one write: the alternate screen, erased, the cursor
 * hidden, bracketed paste and (optionally) mouse reporting on.
 */
export function enterScreen({mouse = true, paste = true}: ScreenOptions = {}): string {
	return ALT_SCREEN_ON + ERASE_SCREEN + CURSOR_HIDE + (paste ? PASTE_ON : '') + (mouse ? MOUSE_ON : '');
}

/**
 * Undoes `enterScreen` whatever options it had (turning off a mode that is off does nothing):
 * ends a synchronized frame that a crash may have left open (the terminal would stop drawing),
 * turns mouse reporting and bracketed paste off, resets attributes, shows the cursor, and
 * leaves the alternate screen last (which puts the shell's cursor back where it was).
 */
export function leaveScreen(): string {
	return SYNC_END + MOUSE_OFF + PASTE_OFF + RESET_ATTRIBUTES + CURSOR_SHOW + ALT_SCREEN_OFF;
}
