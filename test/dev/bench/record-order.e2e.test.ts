/**
 * The committed bytecode-order profiles must match the code: Bun lays out the functions a profile
 * names first and silently ignores hashes it no longer finds, so a stale profile costs start time
 * without any error. This records the same requests against the built bootstrap and compares.
 */
import { expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binaryPath } from "../../../src/dev/base/builds.ts";
import { checkBytecodeOrder, describeStaleProfiles } from "../../../src/dev/bench/record-order.ts";
import { DIST, skipReason } from "../helpers/builds.ts";

const reason = skipReason("x86_64", "bytecode-order profile check");

test.skipIf(reason !== undefined)(
  "the committed bytecode-order profiles name exactly the functions their requests run in this build",
  async () => {
    const scratch = await mkdtemp(join(tmpdir(), "order-check-"));
    try {
      const comparisons = await checkBytecodeOrder(binaryPath(DIST, "x86_64"), scratch);
      expect(comparisons.length).toBeGreaterThan(0);
      expect(describeStaleProfiles(comparisons)).toBe("");
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
  60_000,
);
