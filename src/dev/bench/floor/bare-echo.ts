/**
 * The barest floor: the Lambda Runtime API loop written inline with plain `fetch` and an echo
 * handler, no runtime module, no logger, no error path. What Bun costs before any code of ours.
 */
const api = `http://${process.env["AWS_LAMBDA_RUNTIME_API"] ?? "127.0.0.1:9001"}/2018-06-01/runtime/invocation/`;
const next = `${api}next`;
const headers = { "content-type": "application/json" };

for (;;) {
  // `timeout: false`: GET /next is a long poll that may wait for minutes (README, Decisions D16).
  const invocation = await fetch(next, { timeout: false });
  const requestId = invocation.headers.get("lambda-runtime-aws-request-id") ?? "";
  const event = await invocation.text();
  await fetch(`${api}${requestId}/response`, { method: "POST", body: event, headers, timeout: false });
}
