/*
 * The only native part of the transport: map a file (a /dev/shm file, or an ivshmem BAR exposed by sysfs as
 * resource2) into an ArrayBuffer, and unmap it; and a futex doorbell on a 32-bit word of such a mapping, for
 * peers on one kernel (shared futexes: the mapping is shared between processes, so not FUTEX_PRIVATE).
 * The wait blocks a thread-pool thread, never the event loop. Everything else is TypeScript.
 * Plain Node-API (ABI-stable), so one build serves every Node version that loads it.
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <node_api.h>
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
  if (data != NULL) napi_detach_arraybuffer(env, argv[0]);
  return NULL;
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

typedef struct {
  int32_t *word;
  int32_t expected;
  uint32_t timeout_ms;
  int woken; /* 1: FUTEX_WAIT returned 0 (a wake-up); 0: timeout, value changed, or interrupted */
  napi_async_work work;
  napi_ref buffer; /* keeps the mapping alive while a pool thread waits on it */
  napi_ref callback;
} futex_wait_job;

static void futex_wait_execute(napi_env env, void *data) {
  (void)env;
  futex_wait_job *job = (futex_wait_job *)data;
  struct timespec ts = {job->timeout_ms / 1000, (long)(job->timeout_ms % 1000) * 1000000L};
  job->woken = syscall(SYS_futex, job->word, FUTEX_WAIT, job->expected, &ts, NULL, 0) == 0;
}

static void futex_wait_complete(napi_env env, napi_status status, void *data) {
  futex_wait_job *job = (futex_wait_job *)data;
  napi_value callback, global, arg;
  napi_get_reference_value(env, job->callback, &callback);
  napi_get_global(env, &global);
  napi_get_boolean(env, status == napi_ok && job->woken, &arg);
  napi_delete_reference(env, job->callback);
  napi_delete_reference(env, job->buffer);
  napi_delete_async_work(env, job->work);
  free(job);
  napi_call_function(env, global, callback, 1, &arg, NULL);
}

/* futexWait(buffer, byteOffset, expected, timeoutMs, callback(woken: boolean)): sleeps in the thread pool
 * while the word equals expected, at most timeoutMs; callback(true) when a futexWake ended the wait. */
static napi_value futex_wait(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "futexWait(buffer, byteOffset, expected, timeoutMs, callback)");
    return NULL;
  }
  int32_t *word = word_at(env, argv[0], argv[1]);
  if (word == NULL) return NULL;
  futex_wait_job *job = (futex_wait_job *)calloc(1, sizeof *job);
  job->word = word;
  napi_get_value_int32(env, argv[2], &job->expected);
  napi_get_value_uint32(env, argv[3], &job->timeout_ms);
  napi_create_reference(env, argv[0], 1, &job->buffer);
  napi_create_reference(env, argv[4], 1, &job->callback);
  napi_value name;
  napi_create_string_utf8(env, "vrdma.futexWait", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, futex_wait_execute, futex_wait_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
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
  napi_value fn;
  napi_create_function(env, "map", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "map", fn);
  napi_create_function(env, "unmap", NAPI_AUTO_LENGTH, unmap_buffer, NULL, &fn);
  napi_set_named_property(env, exports, "unmap", fn);
  napi_create_function(env, "futexWait", NAPI_AUTO_LENGTH, futex_wait, NULL, &fn);
  napi_set_named_property(env, exports, "futexWait", fn);
  napi_create_function(env, "futexWake", NAPI_AUTO_LENGTH, futex_wake, NULL, &fn);
  napi_set_named_property(env, exports, "futexWake", fn);
  return exports;
}
