/*
 * The only native part of the transport: map a file (a /dev/shm file, or an ivshmem BAR exposed by sysfs as
 * resource2) into an ArrayBuffer, and unmap it; and make the FIFO a doorbell lives in (Node can read and
 * write one, but not create it). Everything else is TypeScript.
 * Plain Node-API (ABI-stable), so one build serves every Node version that loads it.
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

/* makeFifo(path: string): creates a FIFO (mode 0600), the doorbell one side sleeps on; an existing one is
 * kept. Node has no mkfifo, and the doorbell must be a file the peer can open by name. */
static napi_value make_fifo(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t path_len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &path_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "makeFifo(path: string)");
    return NULL;
  }
  if (mkfifo(path, 0600) != 0 && errno != EEXIST) return fail(env, "mkfifo", errno);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "map", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "map", fn);
  napi_create_function(env, "unmap", NAPI_AUTO_LENGTH, unmap_buffer, NULL, &fn);
  napi_set_named_property(env, exports, "unmap", fn);
  napi_create_function(env, "makeFifo", NAPI_AUTO_LENGTH, make_fifo, NULL, &fn);
  napi_set_named_property(env, exports, "makeFifo", fn);
  return exports;
}
