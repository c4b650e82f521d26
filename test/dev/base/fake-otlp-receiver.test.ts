import { describe, expect, test } from "bun:test";
import { plainValue, renderSpanTree, type ReceivedSpan } from "../../../src/dev/base/fake-otlp-receiver.ts";

const TRACE = "5759e988bd862e3fe1be46a994272793";

function span(
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  startMs: number,
  endMs: number,
  extra: Partial<ReceivedSpan> = {},
): ReceivedSpan {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    name,
    kind: 1,
    startTimeUnixNano: `${1_800_000_000_000 + startMs}000000`,
    endTimeUnixNano: `${1_800_000_000_000 + endMs}000000`,
    ...extra,
  };
}

describe("renderSpanTree", () => {
  test("children under their parents in start order; a parent we never received makes a root", () => {
    const spans = [
      span("c2", "b", "GET Line/dlr/Status", 4, 6, { kind: 3 }),
      span("b", "a", "Skill Request", 1, 8, {
        attributes: [{ key: "alexa.request.type", value: { stringValue: "IntentRequest" } }],
      }),
      span("a", "53995c3f42cd8ad8", "london-travel", 0, 9, { kind: 2 }),
      span("c1", "b", "GET api/preferences", 2, 3, { kind: 3, status: { code: 2, message: "401" } }),
    ];
    expect(renderSpanTree(spans)).toBe(
      [
        `trace ${TRACE}`,
        "london-travel (server, 9.00 ms)",
        "  Skill Request (internal, 7.00 ms)",
        "      alexa.request.type=IntentRequest",
        "    GET api/preferences (client, 1.00 ms) ERROR 401",
        "    GET Line/dlr/Status (client, 2.00 ms)",
      ].join("\n"),
    );
  });

  test.each([
    [{ stringValue: "x" }, "x"],
    [{ boolValue: false }, false],
    [{ intValue: "268435456" }, 268435456],
    [{ doubleValue: 1.5 }, 1.5],
    [{ arrayValue: { values: [{ stringValue: "LINE=victoria" }] } }, ["LINE=victoria"]],
  ])("reads the OTLP value %p", (value, expected) => {
    expect(plainValue(value)).toEqual(expected);
  });
});
