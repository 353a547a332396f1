import { resolveRef } from "@synapseops/core";
import { type PaginationShape, paginationShape, positionKind, schemaProperties } from "../_features";
import { isSameOrigin, originOf } from "../_origin";
import type { CaseRequest, GoldenCase } from "../types";
import { type BuildContext, type CategoryCases, label } from "./_context";
import { sampleRequest, spread } from "./_requests";
import { atPath, itemIdentity, type NextPage, nextPage } from "./_walk";

/** Page size asked for, so a walk sees several pages. */
const SMALL_PAGE = 2;

/**
 * `pagination`: per list operation, a walk from the first page (small page size when a limit
 * parameter exists) following `Link: rel="next"`, next-cursor fields, `has_more` + last id, or
 * offsets/page numbers must end within `maxPages`, never revisit a cursor, and never return an
 * item (by `id`, else by value) twice; when the first page states a total, the walk must have
 * collected exactly that many items (no gaps).
 */
export function paginationCases(context: BuildContext): CategoryCases {
  const paged = context.operations
    .map((op) => ({ op, shape: paginationShape(context.doc, op) }))
    .filter(
      (entry): entry is { op: (typeof entry)["op"]; shape: PaginationShape } => entry.shape !== undefined,
    );
  const kept = spread(paged, context.limits.maxCasesPerCategory);
  const cases = kept.map(({ op, shape }): GoldenCase => {
    const sample = sampleRequest(context.doc, context.validator, op);
    const limitParam = shape.limitParam
      ? op.parameters.find((p) => p.in === "query" && p.name === shape.limitParam)
      : undefined;
    const minimum = Number(resolveRef<{ minimum?: number }>(context.doc, limitParam?.schema)?.minimum ?? 1);
    const limit = limitParam ? Math.max(SMALL_PAGE, minimum) : undefined;
    const totalField = findTotalField(context, shape, op);
    const positionParam = op.parameters.find((p) => p.in === "query" && p.name === shape.param);
    const first = positionParam?.required ? firstPosition(shape, sample.request.query ?? []) : undefined;
    return {
      id: `pagination:${op.operationId}`,
      category: "pagination",
      name: `${label(op)} pages (${shape.kind}) to an end without duplicates or gaps`,
      operation: op.operationId,
      async run(ctx) {
        const query = (sample.request.query ?? []).filter(
          ([name]) => name !== shape.limitParam && name !== shape.param,
        );
        if (limit !== undefined && shape.limitParam) query.push([shape.limitParam, String(limit)]);
        // A required position starts at the first page, never at a sampled value (issue 19).
        if (first !== undefined && shape.param) query.push([shape.param, first]);
        let request: CaseRequest = { ...sample.request, query };
        const seen = new Map<string, number>();
        const cursors = new Set<string>();
        let offset = 0;
        let page = 1;
        let total: number | undefined;
        let firstSize: number | undefined;
        for (let index = 0; index < context.limits.maxPages; index++) {
          const response = await ctx.send(request);
          if (response.status < 200 || response.status >= 300)
            return ctx.fail(`${label(op)} page ${index + 1} was answered ${response.status}`, {
              pointer: "/response/status",
              actual: response.status,
            });
          const items = atPath(response.json, shape.itemsField ?? []);
          if (!Array.isArray(items))
            return ctx.fail(
              `${label(op)} page ${index + 1} has no item array at /${(shape.itemsField ?? []).join("/")}`,
              {
                pointer: `/response/body/${(shape.itemsField ?? []).join("/")}`,
              },
            );
          if (index === 0 && totalField) {
            const stated = atPath(response.json, [totalField]);
            if (typeof stated === "number") total = stated;
          }
          for (const [position, item] of items.entries()) {
            const identity = itemIdentity(item);
            const earlier = seen.get(identity);
            if (earlier !== undefined)
              return ctx.fail(
                `${label(op)}: page ${index + 1} repeats an item of page ${earlier} (${identity})`,
                {
                  pointer: `/response/body${(shape.itemsField ?? []).map((k) => `/${k}`).join("")}/${position}`,
                },
              );
            seen.set(identity, index + 1);
          }
          // Without a size of its own, the first page's is the size: a shorter page is the last.
          // A list whose schema forbids an empty page (discourse's `minItems: 1`) has no other
          // way to say it ended (issue 19).
          if (index === 0) firstSize = items.length;
          const size = limit ?? shape.pageSize ?? firstSize;
          const next: NextPage = nextPage(shape, response, items, {
            offset,
            page,
            ...(size !== undefined ? { limit: size } : {}),
          });
          if (!next) {
            if (total !== undefined && seen.size !== total)
              return ctx.fail(
                `${label(op)}: the walk collected ${seen.size} items, the first page says ${totalField} is ${total} (a gap)`,
                {
                  pointer: `/response/body/${totalField}`,
                  expected: total,
                  actual: seen.size,
                },
              );
            return;
          }
          const key = JSON.stringify(next);
          if (cursors.has(key))
            return ctx.fail(
              `${label(op)}: page ${index + 1} points back to a page already visited (${key})`,
              {
                pointer: "/response",
              },
            );
          cursors.add(key);
          offset += items.length;
          page++;
          if ("url" in next && !isSameOrigin(next.url, ctx.baseUrl))
            // issue 19: following it would hand the partner's credentials to another host.
            return ctx.fail(
              `${label(op)}: page ${index + 1} points its next page to another origin (${originOf(absolute(ctx.baseUrl, next.url)) ?? next.url}) than the environment's (${originOf(ctx.baseUrl)}); not followed, credentials go only to the environment's origin`,
              {
                pointer: response.headers.get("link")
                  ? "/response/headers/link"
                  : `/response/body/${(shape.nextField ?? []).join("/")}`,
                expected: originOf(ctx.baseUrl),
                actual: next.url,
              },
            );
          if ("url" in next)
            request = { ...sample.request, path: absolute(ctx.baseUrl, next.url), query: [] };
          else
            request = {
              ...request,
              query: [
                ...(request.query ?? []).filter(([name]) => !(name in next.query)),
                ...Object.entries(next.query),
              ],
            };
        }
        return ctx.fail(`${label(op)}: the walk did not end within ${context.limits.maxPages} pages`, {
          pointer: "/response",
        });
      },
    };
  });
  return { cases, omitted: paged.length - kept.length, none: "no list operation pages" };
}

/** The first page's position: page 1, offset 0, else the sample's own value (a cursor). */
function firstPosition(shape: PaginationShape, query: readonly [string, string][]): string | undefined {
  const kind = positionKind(shape);
  if (kind === "page") return "1";
  if (kind === "offset") return "0";
  return query.find(([name]) => name === shape.param)?.[1];
}

/** A root-relative next URL (`/v1/pets?page=2`) is resolved against the base URL's origin. */
function absolute(baseUrl: string, url: string): string {
  return /^https?:\/\//.test(url) ? url : new URL(url, baseUrl).toString();
}

const TOTAL_FIELD = /^(total|total_?count|total_?results|total_?items)$/i;

/** A top-level numeric total the response documents, if any. */
export function findTotalField(
  context: BuildContext,
  shape: PaginationShape,
  op: BuildContext["operations"][number],
): string | undefined {
  if (shape.itemsField?.length === 0) return undefined;
  const response = op.responses.find((r) => /^2/.test(r.status));
  const schema = response?.content.find((m) => /json/i.test(m.contentType))?.schema;
  return Object.keys(schemaProperties(context.doc, schema)).find((name) => TOTAL_FIELD.test(name));
}
