import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the agent capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const agentCodes = {
  MPM_E_AGENT_CONFIG: {
    kind: "input",
    summary: "An agent, top, freq or monitor option is invalid (address, port, TLS file, CORS list, size).",
  },
  MPM_E_AGENT_PATH_ESCAPE: {
    kind: "forbidden",
    summary: "A /file request resolved (through '..' or a symbolic link) outside the agent's file root.",
  },
  MPM_E_AGENT_TOO_LARGE: {
    kind: "tooLarge",
    summary: "A request body exceeded the agent's --max-body limit.",
  },
  MPM_E_AGENT_UNREACHABLE: {
    kind: "unavailable",
    summary:
      "The agent at the given host:port could not be reached (refused, timed out, TLS handshake failed).",
  },
  MPM_E_AGENT_BAD_REPLY: {
    kind: "unavailable",
    summary: "The agent answered something that is not the API's JSON (wrong service or wrong port?).",
  },
  MPM_E_AGENT_REQUEST: {
    kind: "failed",
    summary: "The agent refused a request with an error status; its {message, code} is shown.",
  },
} as const satisfies Record<string, CodeSpec>;
