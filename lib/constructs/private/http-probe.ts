/**
 * The post-deployment HTTP smoke test, run by the engine as a local-exec provisioner (`sh -c`).
 * It is inlined into the synthesized configuration, so no file of this package's and no path of
 * this machine's is named there; {@link terraformLiteral} escapes it for Terraform's templates.
 *
 * Inputs (environment): NAME URL EXPECT_STATUS BODY_CONTAINS ATTEMPTS INTERVAL TIMEOUT.
 * Retries until the response has the expected status (and body text, when BODY_CONTAINS is set),
 * or the attempts or the overall timeout run out; then fails naming URL, expected and received.
 */
export const HTTP_PROBE_SCRIPT = [
  'body=$(mktemp)',
  'trap \'rm -f "$body"\' EXIT',
  'start=$(date +%s)',
  'attempt=0',
  'while :; do',
  '  attempt=$((attempt + 1))',
  '  status=$(curl -s -o "$body" -w \'%{http_code}\' -m 5 "$URL") || true',
  '  [ -n "$status" ] || status=000',
  '  if [ "$status" = "$EXPECT_STATUS" ]; then',
  '    if [ -z "$BODY_CONTAINS" ] || grep -qF -- "$BODY_CONTAINS" "$body"; then',
  '      echo "smoke test \'$NAME\' passed: GET $URL answered $status (attempt $attempt)"',
  '      exit 0',
  '    fi',
  '  fi',
  '  elapsed=$(($(date +%s) - start))',
  '  if [ "$attempt" -ge "$ATTEMPTS" ] || [ "$elapsed" -ge "$TIMEOUT" ]; then',
  '    expected="status $EXPECT_STATUS"',
  '    [ -z "$BODY_CONTAINS" ] || expected="$expected and a body containing \'$BODY_CONTAINS\'"',
  "    received=$(head -c 300 \"$body\" | tr '\\n' ' ')",
  '    [ "$status" != 000 ] || received="no HTTP answer"',
  '    echo "smoke test \'$NAME\' failed: GET $URL expected $expected; received status $status, body: $received (after $attempt attempts in ${elapsed}s)" >&2',
  '    exit 1',
  '  fi',
  '  sleep "$INTERVAL"',
  'done',
  '',
].join('\n');

/** A string that Terraform reads literally: template sequences (`${`, `%{`) escaped. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
