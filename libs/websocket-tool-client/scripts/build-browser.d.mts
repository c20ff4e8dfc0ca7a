/** Absolute path of the browser bundle. */
export declare const BROWSER_BUNDLE_FILE: string;
/** Builds the browser bundle and resolves with its path. */
export declare function buildBrowserBundle(): Promise<string>;
