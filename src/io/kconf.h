/* SPDX-License-Identifier: Apache-2.0 */
/* kconf.h -- the librdkafka configuration the worker imposes, and the log bridge.
 *
 * Thread: the loop thread (construction); kafka_log_cb on any librdkafka thread.
 */
#ifndef SLPCODER_IO_KCONF_H
#define SLPCODER_IO_KCONF_H

#include <stdbool.h>
#include <stddef.h>

#include <librdkafka/rdkafka.h>

typedef struct slp_worker slp_worker_t;

/* The consumer's (consumer true) or the producer's configuration for w: the worker's
 * defaults, then the user's kafka.* keys verbatim, then what correctness needs (bootstrap
 * override for the embedded cluster, manual offset store, transactional.id), callbacks and
 * opaque w. Returns it (the caller's, until rd_kafka_new takes it), or NULL with err naming
 * the key librdkafka refused. */
rd_kafka_conf_t *slp__kconf_build(slp_worker_t *w, bool consumer, const char *bootstrap, char *err,
                                  size_t errlen);

/* librdkafka's log lines into ours, at the matching level. */
void slp__kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

#endif /* SLPCODER_IO_KCONF_H */
