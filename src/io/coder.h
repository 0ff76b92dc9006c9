/* SPDX-License-Identifier: Apache-2.0 */
/* coder.h -- code a batch of inputs on two threads: the loop thread and one helper.
 *
 * Coding (decode, code, encode) is the loop thread's largest cost once the consumer is
 * served without waits (bench/README.md). slp_coder_run() shares a batch out in chunks: the
 * helper thread, with a processor of its own, and the caller both take chunks until none is
 * left, and the call returns when every chunk is done (fork-join: no reordering, and every
 * Kafka call stays on the loop thread). The caller never waits for a helper that has not
 * started. Results are copied out of the processors so they outlive the next call.
 *
 * Thread: slp_coder_new/run/free on the loop thread; the helper only runs coding.
 */
#ifndef SLPCODER_IO_CODER_H
#define SLPCODER_IO_CODER_H

#include <stddef.h>
#include <stdint.h>

#include "slpcoder/codec.h"

typedef struct slp_coded { /* one input's output, owned */
  int rc;                   /* slp_process_payload's */
  slp_output_kind_t kind;
  uint8_t *bytes;           /* CLAIM/REJECTION: malloc'd output; NULL for UNDECODABLE */
  size_t len;
  char *event_id;           /* malloc'd, "" when undecodable */
  char *rules_version;      /* malloc'd or NULL */
  const char *rule_id;      /* REJECTION: the first finding's rule id (static), else NULL */
  char error[SLP_CODEC_ERR_LEN];
} slp_coded_t;

typedef struct slp_coder_in {
  const void *payload;
  size_t len;
} slp_coder_in_t;

typedef struct slp_coder slp_coder_t;

/* Starts the helper thread. Returns NULL when out of memory or threads. */
slp_coder_t *slp_coder_new(void);
void slp_coder_free(slp_coder_t *c);

/* Code in[0..n) under rules into out[0..n) (the caller's chunks with its processor `own`;
 * c NULL: all of them on the caller's thread). Returns when all n are done. Free the results
 * with slp_coded_release(). */
void slp_coder_run(slp_coder_t *c, slp_processor_t *own, const slp_rules_t *rules,
                   const slp_coder_in_t *in, slp_coded_t *out, size_t n);

void slp_coded_release(slp_coded_t *out, size_t n);

#endif /* SLPCODER_IO_CODER_H */
