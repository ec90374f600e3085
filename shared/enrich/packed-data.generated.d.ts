// Types of the generated module (scripts/pack-enrich-data.ts): brotli-compressed JSON in base64.
export declare const PLACES: string;
export declare const NAMES: string;
export declare const MEDIA_TOPICS: string;
export declare const SUBJECT_PHRASES: string;
