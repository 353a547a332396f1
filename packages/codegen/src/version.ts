/** The codegen version written into manifests (a test keeps it equal to package.json's). */
export const CODEGEN_VERSION = "0.0.0";
