/*
 * sipwarden's netlink channel to nf_tables: sends one prepared batch of netlink
 * messages (built in TypeScript, src/enforcers/nft-netlink.ts) on a
 * NETLINK_NETFILTER socket and returns the kernel's answer to each message.
 *
 * Kept deliberately small: no message is built or interpreted here beyond the
 * netlink header, so all nf_tables knowledge stays in one typed, tested place.
 *
 *   open(netnsPath|null) -> fd        a socket in the given network namespace (or ours)
 *   transact(fd, batch, count, ms) -> Int32Array [seq, errno, seq, errno, ...]
 *                                     errno 0: the message was accepted (an ACK)
 *   close(fd)
 *
 * transact waits at most `ms` for `count` answers (the socket's receive timeout),
 * then throws ETIMEDOUT; answers left over from an earlier, timed-out batch are
 * drained before sending, so a late answer is never matched to a new batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <node_api.h>

#define RECV_BUF (256 * 1024)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "E%d", err);
  napi_throw_error(env, code, msg);
  return NULL;
}

static napi_value nl_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[512] = "";
  napi_valuetype t = napi_undefined;
  if (argc > 0) napi_typeof(env, argv[0], &t);
  if (t == napi_string) {
    size_t len = 0;
    napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len);
    if (len >= sizeof path - 1) return throw_errno(env, "network namespace path", ENAMETOOLONG);
  }
  int here = -1, there = -1;
  if (path[0]) {
    here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (here < 0) return throw_errno(env, "open own network namespace", errno);
    there = open(path, O_RDONLY | O_CLOEXEC);
    if (there < 0) {
      int e = errno;
      close(here);
      return throw_errno(env, "open network namespace", e);
    }
    if (setns(there, CLONE_NEWNET) < 0) {
      int e = errno;
      close(here);
      close(there);
      return throw_errno(env, "enter network namespace", e);
    }
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  int sock_err = errno;
  if (path[0]) {
    /* Back to our own namespace whatever happened: the thread must not stay elsewhere. */
    if (setns(here, CLONE_NEWNET) < 0) abort();
    close(here);
    close(there);
  }
  if (fd < 0) return throw_errno(env, "netlink socket", sock_err);
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  int size = RECV_BUF;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "netlink bind", e);
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

static napi_value nl_transact(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) {
    napi_throw_type_error(env, NULL, "transact(fd, batch, count, ms)");
    return NULL;
  }
  int32_t fd = -1, count = 0, ms = 0;
  napi_get_value_int32(env, argv[0], &fd);
  void *data = NULL;
  size_t len = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "batch must be a Buffer");
    return NULL;
  }
  napi_get_value_int32(env, argv[2], &count);
  napi_get_value_int32(env, argv[3], &ms);
  if (count < 0 || count > 1000000 || ms < 1) {
    napi_throw_range_error(env, NULL, "bad count or timeout");
    return NULL;
  }
  static char buf[RECV_BUF];
  /* Drain answers a timed-out batch left behind. */
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  /* A big batch (a reconcile) needs a send buffer as big as itself, as nft sets it. */
  int sndbuf = 0;
  socklen_t optlen = sizeof sndbuf;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) == 0 && (size_t)sndbuf < len + 4096) {
    int want = len > 0x3fffffff ? 0x3fffffff : (int)len + 4096;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof want) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
  }
  /* The kernel queues every answer before sendto returns (each an skb of ~1 KB truesize):
     the receive buffer must hold them all, or they are dropped (ENOBUFS). */
  int rcvbuf = 0;
  optlen = sizeof rcvbuf;
  long need = (long)count * 2048 + 65536;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &optlen) == 0 && rcvbuf < need) {
    int want = need > 0x3fffffff ? 0x3fffffff : (int)need;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
  }
  ssize_t sent = sendto(fd, data, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
  if (sent < 0) return throw_errno(env, "netlink send", errno);
  if ((size_t)sent != len) return throw_errno(env, "netlink send (short)", EMSGSIZE);
  struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int32_t *pairs = calloc((size_t)count * 2 + 2, sizeof(int32_t));
  if (!pairs) return throw_errno(env, "netlink answers", ENOMEM);
  int got = 0;
  while (got < count) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      int e = errno;
      if (e == EINTR) continue;
      free(pairs);
      return throw_errno(env, "netlink receive", e == EAGAIN || e == EWOULDBLOCK ? ETIMEDOUT : e);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue; /* nothing else is asked for */
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) continue;
      struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(h);
      if (got < count) {
        pairs[2 * got] = (int32_t)e->msg.nlmsg_seq;
        pairs[2 * got + 1] = -e->error;
      }
      got++;
      /* An error on the batch itself (its BEGIN) ends it: no other answer will come. */
      if (e->error != 0 && e->msg.nlmsg_type == 0x10) {
        count = got;
        break;
      }
    }
  }
  napi_value ab, out;
  void *abData = NULL;
  napi_create_arraybuffer(env, (size_t)count * 2 * sizeof(int32_t), &abData, &ab);
  memcpy(abData, pairs, (size_t)count * 2 * sizeof(int32_t));
  free(pairs);
  napi_create_typedarray(env, napi_int32_array, (size_t)count * 2, ab, 0, &out);
  return out;
}

static napi_value nl_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  if (argc > 0) napi_get_value_int32(env, argv[0], &fd);
  if (fd >= 0) close(fd);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, nl_open, NULL, NULL, NULL, napi_default, NULL },
    { "transact", NULL, nl_transact, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, nl_close, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
