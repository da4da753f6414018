import React, {createContext, useContext} from 'react';

/**
 * Colours, or none: chalk ignores NO_COLOR, so the app honours it itself by giving components no
 * colour names at all.
 */
export interface Theme {
	readonly color: boolean;
}

const ThemeContext = createContext<Theme>({color: true});

export function ThemeProvider({theme, children}: {readonly theme: Theme; readonly children: React.ReactNode}) {
	return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

/** A colour name when colours are on, otherwise undefined (so Text prints plain). */
export function useColor(): (name: string) => string | undefined {
	const {color} = useContext(ThemeContext);
	return name => (color ? name : undefined);
}
