/* SPDX-License-Identifier: Apache-2.0 */
/* feed.h -- the demo's synthetic input: embedded.generate sessions from the seeded generator
 * (src/gen) produced to topic.input of the embedded mock cluster.
 *
 * Thread: slp_feed_start on the loop thread; the producing runs on the jobs thread.
 */
#ifndef SLPCODER_HARNESS_FEED_H
#define SLPCODER_HARNESS_FEED_H

#include "gen/gen.h"
#include "harness/mock.h"
#include "io/config.h"
#include "io/jobs.h"

/* The generator settings behind embedded.seed: the mock's partition sizing (mock.c) samples the
 * same stream the feed produces, so both take their options from here. */
slp_gen_opts_t slp_feed_gen_opts(const slp_config_t *cfg);

typedef struct slp_feed {
  slp_job_t job; /* internal */
  slp_mock_t *mock;
  const slp_config_t *cfg;
} slp_feed_t;

/* Produce cfg->embedded_generate sessions on the jobs thread; feed, mock and cfg must stay
 * valid until the jobs thread is closed. Errors are logged (the worker then finds fewer
 * inputs, and the demo's summary shows it). */
void slp_feed_start(slp_feed_t *feed, slp_jobs_t *jobs, slp_mock_t *mock, const slp_config_t *cfg);

/* The same, blocking (any thread but the loop's): produce and wait for every acknowledgement.
 * Returns 0 or -1. */
int slp_feed_generate(slp_mock_t *mock, const slp_config_t *cfg);

#endif /* SLPCODER_HARNESS_FEED_H */
