import type { BuildOptions } from 'esbuild';

export declare const PAGE_BUNDLE_OPTIONS: BuildOptions;
