import { describe, expect, it } from "vitest";
import { nameBasedSuggester } from "./suggester";

describe("nameBasedSuggester", () => {
  it("matches by normalised path first, then by leaf name, and lists unmatched required fields", async () => {
    const suggestion = await nameBasedSuggester().suggest({
      sourceSchema: {
        type: "object",
        properties: {
          first_name: { type: "string" },
          address: { type: "object", properties: { zip: { type: "string" } } },
        },
      },
      targetSchema: {
        type: "object",
        required: ["firstName", "vat"],
        properties: {
          firstName: { type: "string" },
          billing: { type: "object", properties: { zip: { type: "string" } } },
          vat: { type: "string" },
          notes: { type: "string" },
        },
      },
    });
    expect(suggestion.rules).toEqual([
      { target: "firstName", from: "first_name" },
      { target: "billing.zip", from: "address.zip" },
    ]);
    expect(suggestion.fields.map((f) => f.confidence)).toEqual([0.9, 0.6]);
    expect(suggestion.unmatched).toEqual(["vat"]);
  });
});
