import { afterAll, describe, expect, test } from "bun:test";
import { readSecrets, SecretReadError, type SecretToRead } from "../../src/secrets/index.ts";
import { startFakeSecretsExtension, type FakeSecret } from "../helpers/fake-secrets-extension.ts";
import { closedPort } from "../helpers/http-server.ts";

const TOKEN = "session-token-5e1f-marker";
const KEY = "tfl-key-7a0d-marker";
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
});

function extension(secrets: Record<string, FakeSecret>) {
  const fake = startFakeSecretsExtension(secrets, TOKEN);
  stops.push(fake.stop);
  return fake;
}

const KEY_REF: SecretToRead = {
  referenceVariable: "TFL_APP_KEY_SECRET",
  variable: "TFL_APP_KEY",
  secretId: "alexa-london-travel/Skill__TflApplicationKey",
};
const ID_REF: SecretToRead = {
  referenceVariable: "TFL_APP_ID_SECRET",
  variable: "TFL_APP_ID",
  secretId: "alexa-london-travel/Skill__TflApplicationId",
};

async function failure(promise: Promise<unknown>): Promise<SecretReadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SecretReadError);
    const text = `${String(error)} ${Bun.inspect(error)}`;
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
    return error as SecretReadError;
  }
  throw new Error("expected a SecretReadError");
}

describe("readSecrets", () => {
  test("reads each secret with the session token, trims it and reports each value before returning", async () => {
    const fake = extension({
      [KEY_REF.secretId]: { kind: "value", value: ` ${KEY}\n` },
      [ID_REF.secretId]: { kind: "value", value: "app-id-1" },
    });
    const seen: string[] = [];
    const values = await readSecrets([KEY_REF, ID_REF], {
      port: fake.port,
      token: TOKEN,
      onSecret: (value) => seen.push(value),
    });
    expect([...values]).toEqual([
      ["TFL_APP_KEY", KEY],
      ["TFL_APP_ID", "app-id-1"],
    ]);
    expect(seen.sort()).toEqual(["app-id-1", KEY].sort());
    expect(fake.requests.every((request) => request.tokenMatched)).toBe(true);
    expect(fake.requests.map((request) => request.secretId).sort()).toEqual([ID_REF.secretId, KEY_REF.secretId].sort());
  });

  test.each([
    ["once, then answers", 1, true],
    ["every time", Number.POSITIVE_INFINITY, false],
  ])("an answer whose body breaks off (a reset) %s is asked for again", async (_title, breaks, reads) => {
    let calls = 0;
    const brokenOff = (): Response => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"SecretString":"'));
          controller.error(Object.assign(new Error("socket closed"), { code: "ECONNRESET" }));
        },
      });
      return new Response(body, { status: 200 });
    };
    const read = readSecrets([KEY_REF], {
      port: 2773,
      token: TOKEN,
      timeoutMs: 300,
      fetch: async () => {
        calls += 1;
        return calls <= breaks ? brokenOff() : Response.json({ SecretString: KEY });
      },
    });
    if (reads) {
      expect([...(await read)]).toEqual([["TFL_APP_KEY", KEY]]);
      expect(calls).toBe(2);
    } else {
      const error = await failure(read);
      expect(error.message).toMatch(/could not be fetched \(ECONNRESET\); gave up within the 300 ms allowed/);
      expect(calls).toBeGreaterThan(2);
    }
  });

  test("waits for an extension that answers 400 while it is not ready", async () => {
    const fake = extension({ [KEY_REF.secretId]: { kind: "value", value: KEY, notReadyFor: 3 } });
    const values = await readSecrets([KEY_REF], { port: fake.port, token: TOKEN });
    expect(values.get("TFL_APP_KEY")).toBe(KEY);
    expect(fake.requests.length).toBe(4);
  });

  test.each([
    ["a 403", { kind: "status", status: 403 } as FakeSecret, /status 403/],
    ["a 404", { kind: "status", status: 404 } as FakeSecret, /status 404/],
    ["a binary secret", { kind: "binary" } as FakeSecret, /other than a text secret/],
    ["an empty secret", { kind: "value", value: "  " } as FakeSecret, /is empty/],
  ])("fails at once on %s, naming the variable and the secret", async (_title, answer, why) => {
    const fake = extension({ [KEY_REF.secretId]: answer });
    const started = Date.now();
    const error = await failure(readSecrets([KEY_REF], { port: fake.port, token: TOKEN, timeoutMs: 3_000 }));
    expect(error.variable).toBe("TFL_APP_KEY_SECRET");
    expect(error.message).toStartWith(`TFL_APP_KEY_SECRET: secret "${KEY_REF.secretId}"`);
    expect(error.message).toMatch(why);
    expect(fake.requests.length).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  test("a wrong token is refused and the error does not carry it", async () => {
    const fake = startFakeSecretsExtension({ [KEY_REF.secretId]: { kind: "value", value: KEY } }, "another-token");
    stops.push(fake.stop);
    const error = await failure(readSecrets([KEY_REF], { port: fake.port, token: TOKEN }));
    expect(error.message).toContain("status 401");
  });

  test.each([
    ["keeps answering 500", { kind: "status", status: 500 } as FakeSecret, /status 500/],
    ["keeps answering 400", { kind: "status", status: 400 } as FakeSecret, /status 400/],
    ["is slower than the deadline", { kind: "slow", ms: 2_000, value: KEY } as FakeSecret, /was not answered/],
  ])("gives up at the deadline when the extension %s", async (_title, answer, why) => {
    const fake = extension({ [KEY_REF.secretId]: answer });
    const error = await failure(readSecrets([KEY_REF], { port: fake.port, token: TOKEN, timeoutMs: 300 }));
    expect(error.variable).toBe("TFL_APP_KEY_SECRET");
    expect(error.message).toMatch(why);
    expect(error.message).toContain("gave up within the 300 ms allowed");
  });

  test("gives up at the deadline when nothing listens, retrying meanwhile", async () => {
    const port = await closedPort();
    const error = await failure(readSecrets([KEY_REF, ID_REF], { port, token: TOKEN, timeoutMs: 300 }));
    // Both fail at the same deadline; the error names whichever gave up first.
    expect(["TFL_APP_KEY_SECRET", "TFL_APP_ID_SECRET"]).toContain(error.variable);
    expect(error.message).toMatch(/could not be fetched \(\w+\); gave up within the 300 ms allowed/);
  });

  test("one failing secret fails the whole read, naming that secret's variable", async () => {
    const fake = extension({
      [KEY_REF.secretId]: { kind: "value", value: KEY },
      [ID_REF.secretId]: { kind: "status", status: 403 },
    });
    const error = await failure(readSecrets([KEY_REF, ID_REF], { port: fake.port, token: TOKEN }));
    expect(error.variable).toBe("TFL_APP_ID_SECRET");
  });

  test("percent-encodes the secret id (an ARN has colons, a name slashes)", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-london-travel/key+1=2@x-AbCdEf";
    const fake = extension({ [arn]: { kind: "value", value: KEY } });
    const values = await readSecrets([{ ...KEY_REF, secretId: arn }], { port: fake.port, token: TOKEN });
    expect(values.get("TFL_APP_KEY")).toBe(KEY);
    expect(fake.requests[0]?.secretId).toBe(arn);
  });
});
