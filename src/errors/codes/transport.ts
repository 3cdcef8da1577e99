import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the transport capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const transportCodes = {
  MPM_E_VRDMA_ADDON: {
    kind: "unavailable",
    summary: "The small native mmap addon of the shared-memory transport could not be built or loaded.",
  },
  MPM_E_VRDMA_MAP: {
    kind: "unavailable",
    summary: "A shared-memory region (a /dev/shm file or an ivshmem BAR) could not be opened or mapped.",
  },
  MPM_E_VRDMA_BAD_MAGIC: {
    kind: "conflict",
    summary: "A shared-memory region does not start with the transport's magic: it holds something else.",
  },
  MPM_E_VRDMA_BAD_VERSION: {
    kind: "conflict",
    summary: "A shared-memory region was laid out by another version of the transport.",
  },
  MPM_E_VRDMA_REGION_SIZE: {
    kind: "tooLarge",
    summary: "The requested slots, rings and memory heaps do not fit in the shared-memory region.",
  },
  MPM_E_VRDMA_NO_LISTENER: {
    kind: "unavailable",
    summary: "Nobody accepted the connection on the shared-memory region or TCP address in time.",
  },
  MPM_E_VRDMA_NO_SLOT: {
    kind: "unavailable",
    summary: "Every connection slot of the shared-memory region is in use.",
  },
  MPM_E_VRDMA_PEER_LOST: {
    kind: "failed",
    summary: "The peer stopped beating its heartbeat (it died or hangs); the connection was closed.",
  },
  MPM_E_VRDMA_CLOSED: {
    kind: "conflict",
    summary: "A work request was posted on a queue pair that is closed.",
  },
  MPM_E_VRDMA_BAD_KEY: {
    kind: "forbidden",
    summary: "A memory key does not name a registered region, or the region does not allow that access.",
  },
  MPM_E_VRDMA_OUT_OF_BOUNDS: {
    kind: "input",
    summary: "An offset and length reach outside the registered memory region.",
  },
  MPM_E_VRDMA_HEAP_FULL: {
    kind: "tooLarge",
    summary: "No room left in the shared memory heap for another registered memory region.",
  },
  MPM_E_VRDMA_ROUTES: {
    kind: "input",
    summary: "The route table (MPM_VRDMA_ROUTES file) is unreadable or an entry is malformed.",
  },
  MPM_E_VRDMA_PROTOCOL: {
    kind: "failed",
    summary: "The peer sent a frame that breaks the transport's protocol.",
  },
} as const satisfies Record<string, CodeSpec>;
