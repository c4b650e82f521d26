/**
 * A stand-in for the compiled bootstrap in session tests: a tiny Runtime API client whose init is
 * chosen by SCRIPTED_INIT and whose answer to each event is chosen by the event's `action`.
 */
const api = `http://${process.env["AWS_LAMBDA_RUNTIME_API"]}/2018-06-01/runtime`;
const init = process.env["SCRIPTED_INIT"] ?? "ok";

if (init === "exit") {
  process.exit(2);
}
if (init === "error") {
  await fetch(`${api}/init/error`, {
    method: "POST",
    headers: { "lambda-runtime-function-error-type": "Runtime.ConfigError", "content-type": "application/json" },
    body: JSON.stringify({ errorMessage: "TFL_API_URL is not a URL", errorType: "ConfigError", stackTrace: [] }),
  });
  process.exit(1);
}
if (init === "slow") {
  await Bun.sleep(5_000);
}
console.log(JSON.stringify({ level: "INFO", event: "scripted.init", home: process.env["HOME"] ?? null }));

for (;;) {
  const next = await fetch(`${api}/invocation/next`, { timeout: false } as RequestInit);
  const id = next.headers.get("lambda-runtime-aws-request-id") ?? "";
  const event = (await next.json()) as { action?: string };
  console.log(JSON.stringify({ level: "INFO", event: "scripted.invoke", requestId: id, action: event.action }));
  switch (event.action) {
    case "hang":
      await Bun.sleep(60_000);
      break;
    case "crash":
      process.exit(3);
      break;
    case "error":
      await fetch(`${api}/invocation/${id}/error`, {
        method: "POST",
        headers: { "lambda-runtime-function-error-type": "SkillIdMismatchError", "content-type": "application/json" },
        body: JSON.stringify({
          errorMessage: "The request is for another skill",
          errorType: "SkillIdMismatchError",
          stackTrace: [],
        }),
      });
      break;
    default:
      await fetch(`${api}/invocation/${id}/response`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ echo: event, pid: process.pid }),
      });
  }
}
