import { MpmError } from "../../errors/mpm-error.ts";
import type { HostFacts } from "./host-facts.ts";
import type { Accel } from "./qemu-args.ts";

export type AccelChoice = Accel | "auto";

export interface AccelDecision {
  readonly accel: Accel;
  /** One line for the user when auto fell back to TCG. */
  readonly notice: string | undefined;
}

/** Why KVM cannot be used on this host, or undefined when it can. */
export function kvmProblem(facts: HostFacts): string | undefined {
  if (!facts.kvmDeviceUsable) return "/dev/kvm is missing or not accessible";
  if (facts.nestedPvm)
    return "/dev/kvm is nested PVM (kvm_pvm), which runs normal guests ~100x slower than TCG";
  if (!facts.hardwareVirtualisation) return "the CPU advertises neither vmx nor svm";
  return undefined;
}

export function decideAccel(choice: AccelChoice, facts: HostFacts): AccelDecision {
  if (choice === "tcg") return { accel: "tcg", notice: undefined };
  const problem = kvmProblem(facts);
  if (choice === "kvm") {
    if (problem !== undefined) {
      throw new MpmError("MPM_E_KVM_UNUSABLE", `--accel kvm: ${problem}`, {
        hint: "use --accel auto or --accel tcg (software emulation), or fix /dev/kvm access",
      });
    }
    return { accel: "kvm", notice: undefined };
  }
  if (problem === undefined) return { accel: "kvm", notice: undefined };
  return { accel: "tcg", notice: `KVM not used (${problem}); emulating with TCG, which is slower` };
}

export function parseAccelChoice(text: string): AccelChoice {
  if (text === "auto" || text === "kvm" || text === "tcg") return text;
  throw new MpmError("MPM_E_BAD_RUN_OPTION", `--accel ${text}: expected auto, kvm or tcg`, {
    hint: "auto uses KVM when it works and TCG otherwise",
  });
}
