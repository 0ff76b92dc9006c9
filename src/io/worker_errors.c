/* SPDX-License-Identifier: Apache-2.0 */
/* worker_errors.c -- the slpcoder.errors.* headers on a dead letter or a rejection, after Kafka
 * Connect's __connect.errors.* convention: where the input came from, which stage refused it,
 * why, under which rules and on which worker (docs/spec/contract.md, "Error headers"). */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "io/worker_internal.h"

void slp__add_error_headers(slp_worker_t *w, rd_kafka_headers_t *h, const rd_kafka_message_t *rkm,
                            const char *stage, const char *reason, const char *message,
                            const char *rules_version) {
  char num[24];
  if (!w->worker_id[0]) { /* once: gethostname is a system call, and a fifth of inputs get here */
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(w->worker_id, sizeof w->worker_id, "%s:%ld", host, (long)getpid());
  }
  /* Fresh names on this output (slp__hdrs_new set none of them): added, not searched for. */
  slp__hdr_add(h, "slpcoder.errors.topic", w->cfg->topic_input);
  snprintf(num, sizeof num, "%" PRId32, rkm->partition);
  rd_kafka_header_add(h, "slpcoder.errors.partition", -1, num, -1);
  snprintf(num, sizeof num, "%" PRId64, rkm->offset);
  rd_kafka_header_add(h, "slpcoder.errors.offset", -1, num, -1);
  rd_kafka_header_add(h, "slpcoder.errors.stage", -1, stage, -1);
  slp__hdr_add(h, "slpcoder.errors.reason", reason ? reason : "");
  if (message)
    slp__hdr_add(h, "slpcoder.errors.message", message);
  slp__hdr_add(h, "slpcoder.errors.rules_version", rules_version ? rules_version : "");
  slp__hdr_add(h, "slpcoder.errors.worker", w->worker_id);
}
