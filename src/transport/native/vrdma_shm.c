/*
 * The only native part of the transport: map a file (a /dev/shm file, or an ivshmem BAR exposed by sysfs as
 * resource2) into an ArrayBuffer, and unmap it; and a futex doorbell on a 32-bit word of such a mapping, for
 * peers on one kernel (shared futexes: the mapping is shared between processes, so not FUTEX_PRIVATE).
 * Sleeping sockets wait together in one waiter thread per Node environment (futex_waitv, Linux >= 5.16);
 * without futex_waitv each wait blocks a thread-pool thread instead. Never the event loop. Everything else
 * is TypeScript.
 * Plain Node-API (ABI-stable), so one build serves every Node version that loads it.
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  void *addr;
  size_t length;
} mapping;

static void release(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mapping *m = (mapping *)hint;
  if (m->addr != NULL) munmap(m->addr, m->length);
  free(m);
}

static napi_value fail(napi_env env, const char *what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, "ENOSHM", message);
  return NULL;
}

/* map(path: string, size: number, create: boolean): ArrayBuffer. size 0 = the file's size. */
static napi_value map_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t path_len = 0;
  double size_arg = 0;
  bool create = false;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &path_len) != napi_ok ||
      napi_get_value_double(env, argv[1], &size_arg) != napi_ok ||
      napi_get_value_bool(env, argv[2], &create) != napi_ok) {
    napi_throw_type_error(env, NULL, "map(path: string, size: number, create: boolean)");
    return NULL;
  }
  int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0) return fail(env, "open", errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return fail(env, "fstat", err);
  }
  size_t size = size_arg > 0 ? (size_t)size_arg : (size_t)st.st_size;
  if (create && (size_t)st.st_size < size && ftruncate(fd, (off_t)size) != 0) {
    int err = errno;
    close(fd);
    return fail(env, "ftruncate", err);
  }
  if (size == 0) {
    close(fd);
    return fail(env, "map", EINVAL);
  }
  void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (addr == MAP_FAILED) return fail(env, "mmap", err);
  mapping *m = (mapping *)malloc(sizeof *m);
  m->addr = addr;
  m->length = size;
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, addr, size, release, m, &buffer) != napi_ok) {
    munmap(addr, size);
    free(m);
    napi_throw_error(env, NULL, "cannot wrap the mapping in an ArrayBuffer");
    return NULL;
  }
  return buffer;
}

/* The 32-bit word at byteOffset of an ArrayBuffer, or NULL (with a thrown TypeError). */
static int32_t *word_at(napi_env env, napi_value buffer, napi_value offset) {
  void *data = NULL;
  size_t length = 0;
  uint32_t at = 0;
  if (napi_get_arraybuffer_info(env, buffer, &data, &length) != napi_ok ||
      napi_get_value_uint32(env, offset, &at) != napi_ok || data == NULL || at % 4 != 0 ||
      (size_t)at + 4 > length) {
    napi_throw_type_error(env, NULL, "futex: (buffer: ArrayBuffer, byteOffset: aligned, in range)");
    return NULL;
  }
  return (int32_t *)((char *)data + at);
}

/* One futex wait: on a thread-pool thread (work), or as an entry of the waiter thread's list (next). */
typedef struct wait_job {
  int32_t *word;
  int32_t expected;
  uint32_t timeout_ms;
  int64_t deadline; /* CLOCK_MONOTONIC, ns */
  int woken; /* 1: a wake-up ended the wait (pool) or the doorbell moved (waiter); 0: timeout or cancelled */
  napi_async_work work;
  struct wait_job *next;
  napi_ref buffer; /* keeps the mapping alive (out of the garbage collector's reach) while it is waited on */
  napi_ref callback;
} wait_job;

static int64_t monotonic_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Parses (buffer, byteOffset, expected, timeoutMs, callback) into a job, or NULL (with a TypeError). */
static wait_job *parse_wait(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "(buffer, byteOffset, expected, timeoutMs, callback)");
    return NULL;
  }
  int32_t *word = word_at(env, argv[0], argv[1]);
  if (word == NULL) return NULL;
  wait_job *job = (wait_job *)calloc(1, sizeof *job);
  job->word = word;
  napi_get_value_int32(env, argv[2], &job->expected);
  napi_get_value_uint32(env, argv[3], &job->timeout_ms);
  job->deadline = monotonic_ns() + job->timeout_ms * 1000000LL;
  napi_create_reference(env, argv[0], 1, &job->buffer);
  napi_create_reference(env, argv[4], 1, &job->callback);
  return job;
}

/* Calls the job's callback(woken) on the JavaScript thread and frees the job. */
static void finish(napi_env env, wait_job *job) {
  napi_value callback, global, arg;
  napi_get_reference_value(env, job->callback, &callback);
  napi_get_global(env, &global);
  napi_get_boolean(env, job->woken, &arg);
  napi_delete_reference(env, job->callback);
  napi_delete_reference(env, job->buffer);
  free(job);
  napi_call_function(env, global, callback, 1, &arg, NULL);
}

static void futex_wait_execute(napi_env env, void *data) {
  (void)env;
  wait_job *job = (wait_job *)data;
  struct timespec ts = {job->timeout_ms / 1000, (long)(job->timeout_ms % 1000) * 1000000L};
  job->woken = syscall(SYS_futex, job->word, FUTEX_WAIT, job->expected, &ts, NULL, 0) == 0;
}

static void futex_wait_complete(napi_env env, napi_status status, void *data) {
  wait_job *job = (wait_job *)data;
  if (status != napi_ok) job->woken = 0;
  napi_delete_async_work(env, job->work);
  finish(env, job);
}

static void queue_in_pool(napi_env env, wait_job *job) {
  napi_value name;
  napi_create_string_utf8(env, "vrdma.futexWait", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, futex_wait_execute, futex_wait_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
}

/* futexWait(buffer, byteOffset, expected, timeoutMs, callback(woken: boolean)): sleeps in the thread pool
 * while the word equals expected, at most timeoutMs; callback(true) when a futexWake ended the wait. */
static napi_value futex_wait(napi_env env, napi_callback_info info) {
  wait_job *job = parse_wait(env, info);
  if (job != NULL) queue_in_pool(env, job);
  return NULL;
}

/*
 * The waiter thread, one per Node environment: it sleeps in futex_waitv on every waiting doorbell at once
 * plus a private control word, which JavaScript bumps and wakes to make it rebuild its list. It hands a job
 * back (through a threadsafe function) when its doorbell moved or its deadline passed, and exits when the
 * list has been empty for LINGER_NS. lock guards all but pending and tsfn, which only the JavaScript thread touches.
 */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t exited;
  wait_job *entries;
  int count, running, stopping;
  uint32_t control;
  int supported; /* futex_waitv works (it fails with ENOSYS before Linux 5.16) */
  int pending;   /* jobs whose callback has not run yet: the threadsafe function keeps the loop alive */
  napi_threadsafe_function tsfn;
} waiter;

static void wake_control(waiter *w) {
  syscall(SYS_futex, &w->control, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Hands back (through the threadsafe function) the jobs whose doorbell moved or whose deadline passed, and
 * those on [gone, gone + length), a mapping about to go, as not woken. Called with the lock held, so every
 * listed word is still mapped. */
static void hand_back(waiter *w, const char *gone, size_t length) {
  int64_t now = monotonic_ns();
  for (wait_job **p = &w->entries; *p != NULL;) {
    wait_job *job = *p;
    int going = (const char *)job->word >= gone && (const char *)job->word < gone + length;
    job->woken = !going && __atomic_load_n(job->word, __ATOMIC_SEQ_CST) != job->expected;
    if (!going && !job->woken && now < job->deadline) {
      p = &job->next;
      continue;
    }
    *p = job->next;
    w->count--;
    napi_call_threadsafe_function(w->tsfn, job, napi_tsfn_nonblocking);
  }
}

/* How long the thread stays without jobs before it exits: a connection between messages sleeps again within
 * milliseconds, and starting a thread for each sleep put pthread_create on the way to every sleep. */
#define LINGER_NS 1000000000LL

static void *waiter_main(void *arg) {
  waiter *w = (waiter *)arg;
  sigset_t all; /* signals are for the JavaScript thread; this one only sleeps */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  struct futex_waitv v[FUTEX_WAITV_MAX];
  pthread_mutex_lock(&w->lock);
  for (int idle = 0; !w->stopping && !(idle && w->entries == NULL);) {
    int64_t soonest = monotonic_ns() + LINGER_NS;
    int n = 0;
    v[n++] = (struct futex_waitv){w->control, (uintptr_t)&w->control, FUTEX_32 | FUTEX_PRIVATE_FLAG, 0};
    for (wait_job *job = w->entries; job != NULL; job = job->next) {
      /* Shared futexes (no FUTEX_PRIVATE_FLAG): the peer wakes them from another process. */
      v[n++] = (struct futex_waitv){(uint32_t)job->expected, (uintptr_t)job->word, FUTEX_32, 0};
      if (job->deadline < soonest) soonest = job->deadline;
    }
    pthread_mutex_unlock(&w->lock);
    struct timespec until = {soonest / 1000000000LL, soonest % 1000000000LL};
    /* Returns on a wake-up, on any word no longer holding its value, or at the deadline; which one does not
     * matter, hand_back looks at every job. */
    long r = syscall(SYS_futex_waitv, v, n, 0, &until, CLOCK_MONOTONIC);
    idle = n == 1 && r == -1 && errno == ETIMEDOUT; /* a whole LINGER_NS with nothing to wait on */
    pthread_mutex_lock(&w->lock);
    hand_back(w, NULL, 0);
  }
  w->running = 0;
  pthread_cond_broadcast(&w->exited);
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

/* On the JavaScript thread: runs a handed-back job's callback. env is NULL when the environment is torn down. */
static void waiter_deliver(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  waiter *w = (waiter *)context;
  if (env == NULL) {
    free(data);
    return;
  }
  if (--w->pending == 0) napi_unref_threadsafe_function(env, w->tsfn);
  finish(env, (wait_job *)data);
}

/* The threadsafe function's finalizer, at environment teardown: stops the thread, then frees the waiter. */
static void waiter_stop(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  waiter *w = (waiter *)data;
  pthread_mutex_lock(&w->lock);
  w->stopping = 1;
  w->control++;
  wake_control(w);
  while (w->running) pthread_cond_wait(&w->exited, &w->lock);
  pthread_mutex_unlock(&w->lock);
  free(w);
}

/* Lists a job, starting the thread if it is not running; false when the list is full (FUTEX_WAITV_MAX
 * words, one of them the control word) or the environment is going away. */
static int waiter_add(waiter *w, wait_job *job) {
  pthread_mutex_lock(&w->lock);
  int ok = !w->stopping && w->count < FUTEX_WAITV_MAX - 1;
  if (ok && !w->running) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ok = w->running = pthread_create(&thread, &attr, waiter_main, w) == 0;
    pthread_attr_destroy(&attr);
  }
  if (ok) {
    job->next = w->entries;
    w->entries = job;
    w->count++;
    w->control++;
  }
  pthread_mutex_unlock(&w->lock);
  if (ok) wake_control(w);
  return ok;
}

/* waiterWait(buffer, byteOffset, expected, timeoutMs, callback(woken: boolean)): futexWait's contract, but
 * the wait is a job of the waiter thread (woken: the word no longer holds expected), or when that thread
 * cannot take it, a futexWait after all. Returns true when the waiter thread took it. */
static napi_value waiter_wait(napi_env env, napi_callback_info info) {
  wait_job *job = parse_wait(env, info);
  if (job == NULL) return NULL;
  waiter *w;
  napi_get_instance_data(env, (void **)&w);
  bool listed = w->supported && waiter_add(w, job);
  if (!listed) queue_in_pool(env, job);
  else if (w->pending++ == 0) napi_ref_threadsafe_function(env, w->tsfn);
  napi_value result;
  napi_get_boolean(env, listed, &result);
  return result;
}

/* unmap(buffer): detaches the ArrayBuffer so no JavaScript view can touch the pages again; dropping the
 * last reference to the backing store runs release(), the one place that calls munmap. */
static napi_value unmap_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *data = NULL;
  size_t length = 0;
  if (argc < 1 || napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "unmap(buffer: ArrayBuffer)");
    return NULL;
  }
  if (data == NULL) return NULL;
  waiter *w;
  napi_get_instance_data(env, (void **)&w);
  pthread_mutex_lock(&w->lock); /* the thread must not wait on these pages once they are unmapped */
  hand_back(w, (const char *)data, length);
  w->control++;
  pthread_mutex_unlock(&w->lock);
  wake_control(w);
  napi_detach_arraybuffer(env, argv[0]);
  return NULL;
}

/* futexWake(buffer, byteOffset): wakes the waiters on that word in any process; returns how many. */
static napi_value futex_wake(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t *word = argc < 2 ? NULL : word_at(env, argv[0], argv[1]);
  if (word == NULL) return NULL;
  long n = syscall(SYS_futex, word, FUTEX_WAKE, 1 << 30, NULL, NULL, 0);
  napi_value result;
  napi_create_int32(env, n < 0 ? 0 : (int32_t)n, &result);
  return result;
}

NAPI_MODULE_INIT() {
  waiter *w = (waiter *)malloc(sizeof *w);
  *w = (waiter){.lock = PTHREAD_MUTEX_INITIALIZER, .exited = PTHREAD_COND_INITIALIZER};
  /* A word that does not hold the value asked gives EAGAIN where futex_waitv exists. */
  struct futex_waitv probe = {w->control + 1, (uintptr_t)&w->control, FUTEX_32, 0};
  int waitv = syscall(SYS_futex_waitv, &probe, 1, 0, NULL, CLOCK_MONOTONIC) == -1 && errno == EAGAIN;
  napi_value name;
  napi_create_string_utf8(env, "vrdma.waiter", NAPI_AUTO_LENGTH, &name);
  /* Created unreferenced: it holds the loop only while jobs are out (pending), and owns the waiter. */
  w->supported = waitv && napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, w, waiter_stop, w,
                                                          waiter_deliver, &w->tsfn) == napi_ok;
  if (w->supported) napi_unref_threadsafe_function(env, w->tsfn);
  napi_set_instance_data(env, w, NULL, NULL);
  napi_value fn;
  napi_create_function(env, "map", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "map", fn);
  napi_create_function(env, "unmap", NAPI_AUTO_LENGTH, unmap_buffer, NULL, &fn);
  napi_set_named_property(env, exports, "unmap", fn);
  napi_create_function(env, "futexWait", NAPI_AUTO_LENGTH, futex_wait, NULL, &fn);
  napi_set_named_property(env, exports, "futexWait", fn);
  napi_create_function(env, "waiterWait", NAPI_AUTO_LENGTH, waiter_wait, NULL, &fn);
  napi_set_named_property(env, exports, "waiterWait", fn);
  napi_create_function(env, "futexWake", NAPI_AUTO_LENGTH, futex_wake, NULL, &fn);
  napi_set_named_property(env, exports, "futexWake", fn);
  return exports;
}
