/**
 * OSv tracepoint names and the Linux tracepoint ("subsystem:event") that fires at the same place. Linux
 * traces syscalls, not VFS internals, so OSv's vfs_<op> map to sys_enter_<syscall> and vfs_<op>_ret to
 * sys_exit_<syscall>. Names OSv has with no Linux equivalent are listed in UNMAPPED_OSV_TRACEPOINTS.
 */
export const OSV_TO_LINUX: Readonly<Record<string, string>> = {
  sched_switch: "sched:sched_switch",
  sched_wake: "sched:sched_wakeup",
  sched_migrate: "sched:sched_migrate_task",
  sched_idle: "power:cpu_idle",
  memory_malloc: "kmem:kmalloc",
  memory_free: "kmem:kfree",
  memory_page_alloc: "kmem:mm_page_alloc",
  memory_page_free: "kmem:mm_page_free",
  memory_mmap: "syscalls:sys_enter_mmap",
  memory_mmap_ret: "syscalls:sys_exit_mmap",
  memory_munmap: "syscalls:sys_enter_munmap",
  memory_munmap_ret: "syscalls:sys_exit_munmap",
  memory_reclaim: "vmscan:mm_vmscan_direct_reclaim_begin",
  net_packet_in: "net:netif_receive_skb",
  net_packet_out: "net:net_dev_xmit",
  tcp_state: "sock:inet_sock_set_state",
  mutex_lock_wait: "lock:contention_begin",
  mutex_lock_wake: "lock:contention_end",
  callout_reset: "timer:timer_start",
  callout_stop: "timer:timer_cancel",
  virtio_blk_strategy: "block:block_rq_issue",
  virtio_blk_req_ok: "block:block_rq_complete",
  virtio_net_rx_packet: "net:netif_receive_skb",
  virtio_net_tx_packet: "net:net_dev_start_xmit",
  ...vfsPairs({
    open: "openat",
    close: "close",
    read: "read",
    write: "write",
    pread: "pread64",
    pwrite: "pwrite64",
    pwritev: "pwritev",
    lseek: "lseek",
    ioctl: "ioctl",
    fsync: "fsync",
    fstat: "newfstat",
    stat: "newstat",
    lstat: "newlstat",
    readdir: "getdents64",
    mkdir: "mkdirat",
    rename: "renameat2",
    unlink: "unlinkat",
    link: "linkat",
    symlink: "symlinkat",
    chdir: "chdir",
    fchdir: "fchdir",
    getcwd: "getcwd",
    statfs: "statfs",
    fstatfs: "fstatfs",
    dup: "dup",
    dup3: "dup3",
    fcntl: "fcntl",
    access: "faccessat",
    truncate: "truncate",
    ftruncate: "ftruncate",
    fallocate: "fallocate",
    utimensat: "utimensat",
    chmod: "fchmodat",
    fchmod: "fchmod",
    fchown: "fchown",
  }),
};

function vfsPairs(ops: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [osv, sys] of Object.entries(ops)) {
    out[`vfs_${osv}`] = `syscalls:sys_enter_${sys}`;
    out[`vfs_${osv}_ret`] = `syscalls:sys_exit_${sys}`;
  }
  return out;
}

/** OSv tracepoints (as the snap collector and freq users know them) that Linux has no equivalent for. */
export const UNMAPPED_OSV_TRACEPOINTS: readonly string[] = [
  "mutex_lock (Linux traces only contended locks: mutex_lock_wait/_wake)",
  "memory_malloc_mempool, memory_malloc_large, memory_malloc_page, memory_realloc",
  "memory_huge_failure, memory_wait, memory_mmap_err, memory_munmap_err",
  "vfs_*_err (Linux has one sys_exit_* event; errors are its negative return value)",
  "waitqueue_wait, waitqueue_wake_one, waitqueue_wake_all",
  "callout_init, callout_stop_wait, callout_thread_waiting, callout_thread_dispatching",
  "async_timer_task_*, async_worker_*",
  "virtio_* other than virtio_blk_strategy, virtio_blk_req_ok, virtio_net_rx_packet, virtio_net_tx_packet",
  "net_packet_handling",
  "tcp_input_ack, tcp_output*, tcp_timer_tso_flush*",
];
