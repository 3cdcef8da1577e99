/**
 * Kernel arguments of every Linux guest mpm composes: stored in an initrd image's record (`mpm run` may add
 * machine-specific ones) and baked into a disk image's syslinux.cfg. The console is the first serial port.
 * no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail and panic
 * ("IO-APIC + timer doesn't work", seen with load average 20 on 2 cores); the check is useless in a VM.
 */
export const GUEST_KERNEL_ARGS = "console=ttyS0 panic=-1 quiet no_timer_check";
