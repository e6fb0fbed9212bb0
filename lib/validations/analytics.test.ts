import { describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { parseAnalyticsFilters } from "./analytics";

const now = new Date("2026-03-10T15:00:00Z");

describe("parseAnalyticsFilters", () => {
  it("defaults to the last 30 days, today included", () => {
    expect(parseAnalyticsFilters({}, now)).toEqual({ from: "2026-02-09", to: "2026-03-10" });
  });

  it("keeps a valid period, bot and integration", () => {
    const bot = newId("bot");
    const integration = newId("int");
    expect(parseAnalyticsFilters({ from: "2026-01-01", to: "2026-01-31", bot, integration }, now)).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
      botId: bot,
      integrationId: integration,
    });
  });

  it("takes the days in either order, and one day alone", () => {
    expect(parseAnalyticsFilters({ from: "2026-01-31", to: "2026-01-01" }, now)).toMatchObject({
      from: "2026-01-01",
      to: "2026-01-31",
    });
    expect(parseAnalyticsFilters({ from: "2026-01-05", to: "2026-01-05" }, now)).toMatchObject({
      from: "2026-01-05",
      to: "2026-01-05",
    });
    // Only a start: up to today; only an end: the 30 days up to it.
    expect(parseAnalyticsFilters({ from: "2026-03-01" }, now)).toMatchObject({ from: "2026-03-01", to: "2026-03-10" });
    expect(parseAnalyticsFilters({ to: "2026-01-30" }, now)).toMatchObject({ from: "2026-01-01", to: "2026-01-30" });
  });

  it("holds a period to a year, counted back from its last day", () => {
    expect(parseAnalyticsFilters({ from: "2020-01-01", to: "2026-03-10" }, now)).toMatchObject({
      from: "2025-03-10",
      to: "2026-03-10",
    });
  });

  it("ignores what is malformed", () => {
    for (const bad of ["2026-02-30", "2026-13-01", "26-01-01", "yesterday", "2026-1-5", ""]) {
      expect(parseAnalyticsFilters({ from: bad, to: bad }, now), bad).toEqual({ from: "2026-02-09", to: "2026-03-10" });
    }
    expect(parseAnalyticsFilters({ bot: "bot_x", integration: "int_' or 1=1" }, now)).toEqual({
      from: "2026-02-09",
      to: "2026-03-10",
    });
    expect(parseAnalyticsFilters({ from: ["2026-01-01", "2026-02-01"], to: "2026-01-10" }, now)).toMatchObject({
      from: "2026-01-01",
    });
  });
});
