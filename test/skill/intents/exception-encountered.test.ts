import { expect, test } from "bun:test";
import exceptionEncountered from "../../fixtures/alexa/exception-encountered.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { clone, FIXTURE_SKILL_ID, type JsonObject } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

function withSession(): JsonObject {
  const event = clone(exceptionEncountered) as JsonObject;
  event["session"] = {
    new: false,
    sessionId: "amzn1.echo-api.session.11d3a7c0-5e2b-4f98-8c61-0a9b7e4d2f35",
    application: { applicationId: FIXTURE_SKILL_ID },
    user: { userId: "amzn1.ask.account.AFQXW2TESTUSERR7N4CJXK5Y3LHS2B6VQ" },
  };
  return event;
}

test.each([
  ["without a session", clone(exceptionEncountered) as JsonObject],
  ["with a session", withSession()],
])("System.ExceptionEncountered %s logs the error and its cause and returns an empty response", async (_, event) => {
  const { deps, invocation, calls, log } = createHarness();
  const response = await handleAlexaRequest(event, invocation, deps);

  expect(response).toEqual({ version: "1.0", response: {} });
  expect(calls).toEqual([]);
  const logged = log.find("skill.exceptionEncountered");
  expect(logged).toHaveLength(1);
  expect(logged[0]?.level).toBe("error");
  expect(logged[0]?.fields).toMatchObject({
    type: "INVALID_RESPONSE",
    message: "Response speech is not valid SSML.",
    causeRequestId: "amzn1.echo-api.request.0d4c8b2a-71e3-4f96-b5a0-c3e7d9f12b64",
  });
});

test("an error type Alexa added later is still accepted", async () => {
  const event = clone(exceptionEncountered) as JsonObject;
  event["request"]["error"] = { type: "A_BRAND_NEW_ERROR_TYPE" };
  delete event["request"]["cause"];
  const { deps, invocation, log } = createHarness();

  expect(await handleAlexaRequest(event, invocation, deps)).toEqual({ version: "1.0", response: {} });
  expect(log.find("skill.exceptionEncountered")[0]?.fields).toMatchObject({
    type: "A_BRAND_NEW_ERROR_TYPE",
    causeRequestId: null,
  });
});
