import { ConnectorError, type ParameterDescriptor } from "@synapseops/core";

/** Where serialised parameters go. */
export interface SerialisedParameters {
  path: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  cookies: string[];
}

/**
 * Serialises parameter values per OpenAPI 3 "Style Values" (§4.8.12.4): path `simple`/`label`/
 * `matrix`, query `form` (exploded or not), `spaceDelimited`, `pipeDelimited`, `deepObject`,
 * header `simple`, cookie `form`; `content` parameters as JSON. A missing required one is an error.
 */
export function serialiseParameters(
  operationId: string,
  parameters: readonly ParameterDescriptor[],
  values: Readonly<Record<string, unknown>>,
): SerialisedParameters {
  const out: SerialisedParameters = { path: {}, query: [], headers: {}, cookies: [] };
  for (const parameter of parameters) {
    const value = values[parameter.name];
    if (value === undefined || value === null) {
      if (parameter.required) {
        throw ConnectorError.nonRetryable(
          `operation "${operationId}": the ${parameter.in} parameter "${parameter.name}" is required`,
          { path: `/parameters/${parameter.name}` },
        );
      }
      continue;
    }
    if (parameter.contentType !== undefined) {
      const text = JSON.stringify(value);
      place(out, parameter, [[parameter.name, text]], text);
      continue;
    }
    switch (parameter.in) {
      case "path":
        out.path[parameter.name] = pathValue(parameter, value);
        break;
      case "query":
        out.query.push(...queryPairs(parameter, value));
        break;
      case "header":
        out.headers[parameter.name] = simple(value, parameter.explode);
        break;
      case "cookie":
        out.cookies.push(`${parameter.name}=${encodeURIComponent(simple(value, false))}`);
        break;
    }
  }
  return out;
}

function place(
  out: SerialisedParameters,
  parameter: ParameterDescriptor,
  pairs: Array<[string, string]>,
  text: string,
): void {
  if (parameter.in === "path") out.path[parameter.name] = encodeURIComponent(text);
  else if (parameter.in === "query") out.query.push(...pairs);
  else if (parameter.in === "header") out.headers[parameter.name] = text;
  else out.cookies.push(`${parameter.name}=${encodeURIComponent(text)}`);
}

/** `simple`: arrays `a,b`; objects `k,v,k2,v2`, or `k=v,k2=v2` exploded. */
function simple(value: unknown, explode: boolean): string {
  if (Array.isArray(value)) return value.map(String).join(",");
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([key, item]) => (explode ? `${key}=${String(item)}` : `${key},${String(item)}`))
      .join(",");
  }
  return String(value);
}

function pathValue(parameter: ParameterDescriptor, value: unknown): string {
  const encode = (text: string): string => encodeURIComponent(text);
  if (parameter.style === "label")
    return `.${encode(simple(value, parameter.explode)).replace(/%2C/g, parameter.explode ? "." : ",")}`;
  if (parameter.style === "matrix") {
    if (Array.isArray(value) && parameter.explode)
      return value.map((item) => `;${parameter.name}=${encode(String(item))}`).join("");
    return `;${parameter.name}=${encode(simple(value, parameter.explode)).replace(/%2C/g, ",")}`;
  }
  // simple: the comma separators stay literal; the values are encoded.
  if (Array.isArray(value)) return value.map((item) => encode(String(item))).join(",");
  return encode(simple(value, parameter.explode)).replace(/%2C/g, ",").replace(/%3D/g, "=");
}

function queryPairs(parameter: ParameterDescriptor, value: unknown): Array<[string, string]> {
  const name = parameter.name;
  if (
    parameter.style === "deepObject" &&
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value)
  ) {
    return Object.entries(value).map(([key, item]) => [`${name}[${key}]`, String(item)]);
  }
  if (Array.isArray(value)) {
    if (parameter.style === "form" && parameter.explode) return value.map((item) => [name, String(item)]);
    const separator =
      parameter.style === "spaceDelimited" ? " " : parameter.style === "pipeDelimited" ? "|" : ",";
    return [[name, value.map(String).join(separator)]];
  }
  if (typeof value === "object" && value !== null) {
    if (parameter.explode) return Object.entries(value).map(([key, item]) => [key, String(item)]);
    return [[name, simple(value, false)]];
  }
  return [[name, String(value)]];
}
