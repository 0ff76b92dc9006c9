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
  char num[24], worker[300], host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = '\0';
  snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
  slp__hdr_set(h, "slpcoder.errors.topic", w->cfg->topic_input);
  snprintf(num, sizeof num, "%" PRId32, rkm->partition);
  rd_kafka_header_add(h, "slpcoder.errors.partition", -1, num, -1);
  snprintf(num, sizeof num, "%" PRId64, rkm->offset);
  rd_kafka_header_add(h, "slpcoder.errors.offset", -1, num, -1);
  rd_kafka_header_add(h, "slpcoder.errors.stage", -1, stage, -1);
  slp__hdr_set(h, "slpcoder.errors.reason", reason ? reason : "");
  if (message)
    slp__hdr_set(h, "slpcoder.errors.message", message);
  slp__hdr_set(h, "slpcoder.errors.rules_version", rules_version ? rules_version : "");
  slp__hdr_set(h, "slpcoder.errors.worker", worker);
}
