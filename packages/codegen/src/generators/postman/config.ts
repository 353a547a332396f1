import type { PostmanOptions } from "./types";

/** Defaults of the `postman` generator. */
export const postmanDefaults = { tests: true } as const satisfies PostmanOptions;

/** The v2.1 collection schema URL every collection declares. */
export const POSTMAN_SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
