export { POSTMAN_SCHEMA_URL, postmanDefaults } from "./config";
export { generatePostman, postmanGenerator } from "./generator";
export type { PostmanOptions } from "./types";
