/* SPDX-License-Identifier: Apache-2.0 */
/* thrd_create.c -- linked into every program of the tsan preset only. Debian's librdkafka uses
 * glibc's C11 threads (thrd_create, mtx_*, cnd_*, call_once), which neither gcc 12's libtsan nor
 * clang 14's runtime intercepts: its threads are unknown to TSan (they crash in its allocator on
 * their first malloc) and its locks order nothing (every hand-over through a librdkafka queue
 * looks like a race). These definitions (the executable's win over libc's) forward to the
 * pthread functions glibc's own wrappers call, which TSan does intercept. glibc's thrd_t is a
 * pthread_t, mtx_t and cnd_t hold a pthread_mutex_t and pthread_cond_t, once_flag a
 * pthread_once_t. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <threads.h>

typedef struct start {
  thrd_start_t fn;
  void *arg;
} start_t;

static void *trampoline(void *p) {
  start_t s = *(start_t *)p;
  free(p);
  return (void *)(intptr_t)s.fn(s.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg) {
  start_t *s = malloc(sizeof *s);
  if (!s)
    return thrd_nomem;
  s->fn = fn;
  s->arg = arg;
  int rc = pthread_create((pthread_t *)thr, NULL, trampoline, s);
  if (rc != 0) {
    free(s);
    return rc == ENOMEM || rc == EAGAIN ? thrd_nomem : thrd_error;
  }
  return thrd_success;
}

static int map(int rc);

int thrd_join(thrd_t thr, int *res) {
  void *r = NULL;
  int rc = pthread_join((pthread_t)thr, &r);
  if (rc == 0 && res)
    *res = (int)(intptr_t)r;
  return map(rc);
}

int thrd_detach(thrd_t thr) {
  return map(pthread_detach((pthread_t)thr));
}

static int map(int rc) {
  switch (rc) {
  case 0:
    return thrd_success;
  case EBUSY:
    return thrd_busy;
  case ETIMEDOUT:
    return thrd_timedout;
  case ENOMEM:
    return thrd_nomem;
  default:
    return thrd_error;
  }
}

int mtx_init(mtx_t *m, int type) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  if (type & mtx_recursive)
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  int rc = pthread_mutex_init((pthread_mutex_t *)m, &a);
  pthread_mutexattr_destroy(&a);
  return map(rc);
}
int mtx_lock(mtx_t *m) {
  return map(pthread_mutex_lock((pthread_mutex_t *)m));
}
int mtx_trylock(mtx_t *m) {
  return map(pthread_mutex_trylock((pthread_mutex_t *)m));
}
int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict ts) {
  return map(pthread_mutex_timedlock((pthread_mutex_t *)m, ts));
}
int mtx_unlock(mtx_t *m) {
  return map(pthread_mutex_unlock((pthread_mutex_t *)m));
}
void mtx_destroy(mtx_t *m) {
  pthread_mutex_destroy((pthread_mutex_t *)m);
}

int cnd_init(cnd_t *c) {
  return map(pthread_cond_init((pthread_cond_t *)c, NULL));
}
int cnd_signal(cnd_t *c) {
  return map(pthread_cond_signal((pthread_cond_t *)c));
}
int cnd_broadcast(cnd_t *c) {
  return map(pthread_cond_broadcast((pthread_cond_t *)c));
}
int cnd_wait(cnd_t *c, mtx_t *m) {
  return map(pthread_cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m));
}
int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m, const struct timespec *restrict ts) {
  return map(pthread_cond_timedwait((pthread_cond_t *)c, (pthread_mutex_t *)m, ts));
}
void cnd_destroy(cnd_t *c) {
  pthread_cond_destroy((pthread_cond_t *)c);
}

void call_once(once_flag *flag, void (*fn)(void)) {
  pthread_once((pthread_once_t *)flag, fn);
}
