/** Types of node-version.mjs (plain JavaScript, so that it runs on any Node.js before anything is built). */
export declare const RECOMMENDED: string;
export declare function nodeVersionProblem(current: string, engines: string | undefined): string | undefined;
export declare function checkNodeVersion(packageJson?: string): void;
