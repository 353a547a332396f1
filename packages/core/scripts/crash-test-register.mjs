import { register } from "node:module";

register("./_sql-loader.mjs", import.meta.url);
