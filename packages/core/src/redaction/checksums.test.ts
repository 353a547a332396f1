import { describe, expect, it } from "vitest";
import { ibanValid, luhnValid } from "./checksums";

describe("luhnValid", () => {
  it("accepts the networks' published test numbers and rejects one changed digit", () => {
    for (const number of ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"]) {
      expect(luhnValid(number)).toBe(true);
      const last = Number(number.at(-1));
      expect(luhnValid(`${number.slice(0, -1)}${(last + 1) % 10}`)).toBe(false);
    }
    expect(luhnValid("4111 1111")).toBe(false);
  });
});

describe("ibanValid", () => {
  it("checks mod 97 on the compact form, any case", () => {
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("gb82west12345698765432")).toBe(true);
    expect(ibanValid("FR1420041010050500013M02606")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("DE8937040044")).toBe(false);
  });
});
