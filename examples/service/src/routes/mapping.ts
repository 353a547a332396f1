import { libraryFunctions } from "@synapseops/mapping";
import type { FastifyInstance } from "fastify";
import { addOperation } from "../operation";

/** The function library as the builder shows it: name, signature, one line of docs, examples. */
const FUNCTIONS = libraryFunctions.map(({ name, doc, signature, examples }) => ({
  name,
  doc,
  signature,
  examples: examples.map(({ expr, input, output }) => ({ expr, input, output })),
}));

/** The mapping function library, for the visual builder's transform picker. */
export function mappingRoutes(app: FastifyInstance): void {
  addOperation(
    app,
    "GET",
    "/mapping/functions",
    {
      operationId: "listMappingFunctions",
      summary: "The mapping function library: each transform's name, signature, docs and examples",
      tags: ["mapping"],
      // Reference text, the same for everyone signed in.
      access: { project: "any" },
      responses: { 200: { description: "The library, in reference order.", schema: "MappingFunctionList" } },
    },
    async () => ({ items: FUNCTIONS }),
  );
}
