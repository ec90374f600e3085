export declare const BUILD_FOLDER: string;
export declare const BUILD_MANIFEST: string;
export declare function buildProblem(root: URL): string | undefined;
