/* SPDX-License-Identifier: Apache-2.0 */
/* gen.h -- seeded synthetic SessionEvent generator (benchmarks, tests, the demo).
 *
 * Item i of a stream depends only on (seed, i): the same seed gives the same
 * bytes, and any index can be generated on its own. A configurable share of
 * items carries one defect the rules catch (each named, so a test can check
 * the rejection's rule id), and a share are undecodable byte strings.
 * Patient ids are synthetic but are still patient data: never log them.
 *
 * Thread: a generator is single-threaded state; use one per thread.
 */
#ifndef SLPCODER_GEN_GEN_H
#define SLPCODER_GEN_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef enum slp_gen_kind {
  SLP_GEN_CLEAN = 0,
  SLP_GEN_BAD_NPI,             /* provider.npi */
  SLP_GEN_POS_MISMATCH,        /* pos.inconsistent */
  SLP_GEN_MISSING_POC,         /* poc.missing */
  SLP_GEN_MANIFESTATION_FIRST, /* diagnosis.manifestation_first */
  SLP_GEN_KX_NO_NECESSITY,     /* medicare.kx_threshold */
  SLP_GEN_INSUFFICIENT_TIME,   /* activity.insufficient_time */
  SLP_GEN_NO_PRIOR_AUTH,       /* prior_auth.missing */
  SLP_GEN_POC_EXPIRED,         /* poc.expired */
  SLP_GEN_PROGRESS_OVERDUE,    /* progress_report.overdue */
  SLP_GEN_DOC_INCOMPLETE,      /* documentation.incomplete */
  SLP_GEN_LATE_FILING,         /* timely_filing */
  SLP_GEN_VISIT_LIMIT,         /* benefit.visit_limit */
  SLP_GEN_NO_SUPPORTING_DX,    /* necessity.diagnosis */
  SLP_GEN_INVALID_DX,          /* diagnosis.invalid */
  SLP_GEN_GROUP_SWALLOWING,    /* activity.group_unsupported */
  SLP_GEN_ASSISTANT_MEDICARE,  /* provider.credential */
  SLP_GEN_NO_ENCOUNTER,        /* event.invalid */
  SLP_GEN_GARBAGE,             /* undecodable bytes: DLQ */
  SLP_GEN_KIND_COUNT
} slp_gen_kind_t;

typedef struct slp_gen_opts {
  uint64_t seed;
  double defects; /* share of decodable items with one defect, 0..1 */
  double garbage; /* share of undecodable items, 0..1 */
  double framed;  /* share of decodable items in Schema Registry framing, 0..1 */
  double multi;   /* share of clean treatment sessions with a second treatment of another code
                     (speech-language beside swallowing), 0..1; 0 keeps streams as before */
} slp_gen_opts_t;

typedef struct slp_gen_item {
  const uint8_t *bytes; /* borrowed from the generator until its next call */
  size_t len;
  const char *key; /* the patient id ("" for garbage) */
  char event_id[40];
  slp_gen_kind_t kind;
} slp_gen_item_t;

typedef struct slp_gen slp_gen_t;

slp_gen_t *slp_gen_new(const slp_gen_opts_t *opts);
void slp_gen_free(slp_gen_t *gen);

/* Generate item number index. Returns 0 or -ENOMEM. */
int slp_gen_item(slp_gen_t *gen, uint64_t index, slp_gen_item_t *out);

/* "clean", "provider.npi", ... (the rule id a defect should trigger). */
const char *slp_gen_kind_name(slp_gen_kind_t kind);

/* A valid NPI from 9 digits (Luhn with the 80840 prefix); out holds 11 bytes. */
void slp_gen_npi(uint32_t base9, char out[11]);

#endif /* SLPCODER_GEN_GEN_H */
