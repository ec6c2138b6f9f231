/*
 * sipwarden's one call into the C library's allocator: malloc_trim(0), which hands
 * the free pages of every malloc arena back to the system. After a flood, SQLite,
 * Node's buffers and the worker thread leave megabytes of freed but still resident
 * malloc memory behind; glibc gives it back only from the top of the main heap, and
 * only as later frees happen (src/daemon/memory.ts calls this once a burst is over).
 *
 *   trim() -> true if memory was given back, false if there was none to give
 */
#include <malloc.h>
#include <node_api.h>

static napi_value mt_trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_get_boolean(env, malloc_trim(0) == 1, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "trim", NULL, mt_trim, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
