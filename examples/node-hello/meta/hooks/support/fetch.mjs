// Fetches / through the forwarded port until the server answers (slirp accepts connections before the guest
// listens, so each attempt is short) and checks the greeting.
const url = `http://${process.env.MPM_GUEST_HOST ?? "127.0.0.1"}:${process.env.MPM_GUEST_PORT_8080}/`;
const deadline = Date.now() + 90_000;
for (;;) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = await response.text();
    if (response.status !== 200 || !/^hello from .* on node v\d+/.test(body)) {
      console.error(`node-hello test: unexpected answer ${response.status} ${JSON.stringify(body)}`);
      process.exit(1);
    }
    console.log(`node-hello test: ${body.trim()}`);
    process.exit(0);
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`node-hello test: no answer from ${url}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
