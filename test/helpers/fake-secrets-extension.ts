/**
 * A fake AWS Parameters and Secrets Lambda Extension on 127.0.0.1: `GET /secretsmanager/get?secretId=…`
 * answers a GetSecretValue-shaped JSON when the `X-Aws-Parameters-Secrets-Token` header matches,
 * 401-style refusals otherwise (the real extension answers 400 to a bad token), and each secret
 * can be scripted to fail, stall, or be "not ready" for its first attempts.
 */

/** How the fake answers for one secret id. */
export type FakeSecret =
  | { readonly kind: "value"; readonly value: string; readonly notReadyFor?: number | undefined }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "slow"; readonly ms: number; readonly value: string }
  | { readonly kind: "binary" };

export interface FakeSecretsExtension {
  readonly port: number;
  /** Every request: secret id and whether the token matched. */
  readonly requests: ReadonlyArray<{ readonly secretId: string; readonly tokenMatched: boolean }>;
  stop(): Promise<void>;
}

/** Starts the fake; unknown secret ids get 400 with the extension's style of message. */
export function startFakeSecretsExtension(
  secrets: Readonly<Record<string, FakeSecret>>,
  token: string,
): FakeSecretsExtension {
  const requests: Array<{ secretId: string; tokenMatched: boolean }> = [];
  const attempts = new Map<string, number>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const secretId = url.searchParams.get("secretId") ?? "";
      const tokenMatched = request.headers.get("x-aws-parameters-secrets-token") === token;
      requests.push({ secretId, tokenMatched });
      if (url.pathname !== "/secretsmanager/get") return new Response("not found", { status: 404 });
      if (!tokenMatched) return new Response("invalid token", { status: 401 });
      const secret = secrets[secretId];
      if (secret === undefined) return new Response("ResourceNotFoundException", { status: 400 });
      const count = (attempts.get(secretId) ?? 0) + 1;
      attempts.set(secretId, count);
      switch (secret.kind) {
        case "value":
          if (count <= (secret.notReadyFor ?? 0)) {
            return new Response("not ready to serve traffic, please wait", { status: 400 });
          }
          return Response.json(answer(secretId, secret.value));
        case "status":
          return new Response("failed", { status: secret.status });
        case "slow":
          await Bun.sleep(secret.ms);
          return Response.json(answer(secretId, secret.value));
        case "binary":
          return Response.json({ ...answer(secretId, ""), SecretString: undefined, SecretBinary: "AAEC" });
      }
    },
  });
  return {
    port: server.port ?? 0,
    requests,
    stop: async () => {
      await server.stop(true);
    },
  };
}

function answer(secretId: string, value: string): Record<string, unknown> {
  return {
    ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secretId}-AbCdEf`,
    Name: secretId,
    VersionId: "8d9c2b1e-0000-4000-8000-000000000001",
    SecretString: value,
    VersionStages: ["AWSCURRENT"],
    CreatedDate: "2026-12-01T10:00:00.000Z",
  };
}
