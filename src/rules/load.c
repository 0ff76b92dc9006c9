/* SPDX-License-Identifier: Apache-2.0 */
/* load.c -- slp_rules_load and friends: read manifest.ini, every project table and the CMS folders,
 * validate the whole bundle, stamp it with a content hash, and share it by reference count. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/date.h"
#include "rules/load.h"
#include "slpcoder/cms.h"

/* ---- content hash ------------------------------------------------------------ */

/* FNV-1a 64: hand-written because the engine links libc only and the hash only has to tell
 * bundles apart (not resist an adversary); 64 bits over a few files makes a collision between
 * two real bundles vanishingly unlikely, and the code is ten lines with no dependency. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Files from 1 MiB up (CMS's PTP files are ~100 MiB a quarter) are hashed a 64-bit word at a
 * time in four independent FNV-1a-style lanes, folded into the running hash: byte-at-a-time
 * FNV-1a is one serial multiply per byte, a seventh of a full-size bundle's load. Smaller files
 * keep the plain byte hash, so the rules_version of bundles without such files is unchanged. */
#define BIG_FILE (1u << 20)

/* The lanes over the whole 32-byte blocks of p[0..len); returns the bytes consumed. The lanes
 * live in registers for the loop: with the array's address taken (it is hashed afterwards)
 * they went through memory, 1.2 instructions a byte over 140 MB. */
static size_t lanes_run(uint64_t lane[4], const unsigned char *p, size_t len) {
  uint64_t a = lane[0], b = lane[1], c = lane[2], d = lane[3];
  size_t i = 0;
  for (; i + 32 <= len; i += 32) {
    uint64_t v[4];
    memcpy(v, p + i, sizeof v);
    a = (a ^ v[0]) * 0x100000001b3ULL;
    b = (b ^ v[1]) * 0x100000001b3ULL;
    c = (c ^ v[2]) * 0x100000001b3ULL;
    d = (d ^ v[3]) * 0x100000001b3ULL;
  }
  lane[0] = a, lane[1] = b, lane[2] = c, lane[3] = d;
  return i;
}

static uint64_t fnv1a_wide(uint64_t h, const unsigned char *p, size_t len) {
  uint64_t lane[4] = {h, h ^ 0x9e3779b97f4a7c15ULL, h ^ 0xbf58476d1ce4e5b9ULL,
                      h ^ 0x94d049bb133111ebULL};
  size_t i = lanes_run(lane, p, len);
  h = fnv1a(h, lane, sizeof lane);
  return fnv1a(h, p + i, len - i);
}

/* The old whole-file hash of one file, kept for a file whose size changed between fstat and
 * the end of the streamed read (being rewritten while the bundle loads): the hash then covers
 * the bytes this read saw, as it always did. */
static int hash_file_whole(const char *full, uint64_t *h) {
  char *buf;
  size_t len;
  int frc = slp__read_file(full, &buf, &len);
  if (frc != 0)
    return frc;
  unsigned char lenb[8];
  for (int b = 0; b < 8; b++)
    lenb[b] = (unsigned char)((uint64_t)len >> (8 * b));
  *h = fnv1a(*h, lenb, sizeof lenb);
  *h = len >= BIG_FILE ? fnv1a_wide(*h, (const unsigned char *)buf, len) : fnv1a(*h, buf, len);
  free(buf);
  return 0;
}

#define HASH_BLOCK (256u << 10) /* read block: a multiple of 32 that stays in L2 */

/* Hash one file's length and bytes into *h, streamed through buf (HASH_BLOCK bytes): the same
 * value as hashing the whole file read at once (fnv1a_wide's lanes carry over blocks), without
 * a file-sized buffer (a full-size PTP file is 30 MB: allocating, faulting in and freeing it
 * per file was a fifth of the load and its peak RSS). 0, or the slp__file_open/read code. */
static int hash_file(const char *full, unsigned char *buf, uint64_t *h) {
  int fd;
  off_t size;
  int rc = slp__file_open(full, &fd, &size);
  if (rc != 0)
    return rc;
  uint64_t start = *h; /* for the fallback */
  unsigned char lenb[8];
  for (int b = 0; b < 8; b++)
    lenb[b] = (unsigned char)((uint64_t)size >> (8 * b));
  uint64_t hh = fnv1a(*h, lenb, sizeof lenb);
  bool wide = (uint64_t)size >= BIG_FILE;
  uint64_t lane[4] = {hh, hh ^ 0x9e3779b97f4a7c15ULL, hh ^ 0xbf58476d1ce4e5b9ULL,
                      hh ^ 0x94d049bb133111ebULL};
  uint64_t total = 0; /* bytes read */
  size_t have = 0;    /* bytes in buf not hashed yet */
  for (;;) {
    ssize_t got = read(fd, buf + have, HASH_BLOCK - have);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      rc = errno;
      break;
    }
    total += (uint64_t)got;
    have += (size_t)got;
    if (total > (uint64_t)size)
      break; /* grew: the fallback reads it again */
    if (got > 0 && have < HASH_BLOCK)
      continue;
    size_t done = 0; /* bytes of buf hashed in this round */
    if (!wide) {
      hh = fnv1a(hh, buf, have);
      done = have;
    } else {
      done = lanes_run(lane, buf, have);
      if (got == 0) { /* the end: the lanes, then the tail of fewer than 32 bytes */
        hh = fnv1a(hh, lane, sizeof lane);
        hh = fnv1a(hh, buf + done, have - done);
        done = have;
      }
    }
    memmove(buf, buf + done, have - done);
    have -= done;
    if (got == 0)
      break;
  }
  close(fd);
  if (rc != 0)
    return rc;
  if (total != (uint64_t)size) {
    *h = start;
    return hash_file_whole(full, h);
  }
  *h = hh;
  return 0;
}

/* Hash every file's relative name, length and bytes, in sorted name order. */
static int hash_bundle(const char *dir, uint64_t *out, slp_rules_errors_t *errs) {
  slp__names_t ns = {0};
  slp__list_files(dir, "", &ns);
  for (size_t i = 0; i < 4; i++)
    slp__list_files(dir, slp__cms_dirs[i], &ns);
  qsort(ns.v, ns.n, sizeof *ns.v, slp__cmp_str);
  uint64_t h = 0xcbf29ce484222325ULL;
  int rc = 0;
  unsigned char *buf = malloc(HASH_BLOCK);
  for (size_t i = 0; i < ns.n; i++) {
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", dir, ns.v[i]);
    uint64_t named = fnv1a(h, ns.v[i], strlen(ns.v[i]) + 1);
    int frc = buf != NULL ? hash_file(full, buf, &named) : hash_file_whole(full, &named);
    if (frc != 0) {
      slp__file_report(errs, ns.v[i], "cannot read", frc);
      rc = -1;
      continue;
    }
    h = named;
  }
  free(buf);
  slp__names_free(&ns);
  *out = h;
  return rc;
}

/* ---- manifest.ini ----------------------------------------------------------- */

typedef struct manifest_ctx {
  slp_rules_t *r;
  const char *text; /* the file, to find a key's line for messages */
  slp_rules_errors_t *errs;
  bool seen_from, seen_to; /* the key was there, valid or not (a bad one is reported once) */
  bool bad_date;
} manifest_ctx_t;

static long key_line(const char *text, const char *key) {
  long line = 1;
  size_t kl = strlen(key);
  for (const char *p = text; *p; line++) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '=' || p[kl] == '\t'))
      return line;
    p = strchr(p, '\n');
    if (p == NULL)
      break;
    p++;
  }
  return 0;
}

static int on_ini(void *user, const char *section, const char *name, const char *value) {
  manifest_ctx_t *c = user;
  slp__manifest_t *m = &c->r->manifest;
  long line = key_line(c->text, name);
  static const struct {
    const char *key;
    size_t off;
    int32_t max;
  } ints[] = {
      {"poc_certification_days", offsetof(slp__manifest_t, poc_cert_days), 3650},
      {"poc_max_days", offsetof(slp__manifest_t, poc_max_days), 3650},
      {"progress_report_days", offsetof(slp__manifest_t, progress_report_days), 1000},
      {"progress_report_warn_from", offsetof(slp__manifest_t, progress_warn_from), 1000},
      {"medicare_group_max", offsetof(slp__manifest_t, medicare_group_max), 1000},
  };
  if (strcmp(section, "bundle") == 0) {
    if (strcmp(name, "version") == 0 || strcmp(name, "description") == 0) {
      char *dst = name[0] == 'v' ? m->version : m->description;
      size_t cap = name[0] == 'v' ? sizeof m->version : sizeof m->description;
      if (strlen(value) >= cap || (name[0] == 'v' && (value[0] == '\0' || strpbrk(value, " +\t"))))
        slp_rules_errorf(c->errs, "manifest.ini", line, "%s: \"%.40s\" is not acceptable", name,
                         value);
      else
        snprintf(dst, cap, "%s", value);
      return 1;
    }
    if (strcmp(name, "effective_from") == 0 || strcmp(name, "effective_to") == 0) {
      bool from = name[10] == 'f';
      if (slp_date_parse(value, from ? &m->effective_from : &m->effective_to) != 0) {
        slp_rules_errorf(c->errs, "manifest.ini", line, "%s: \"%.40s\" is not a YYYY-MM-DD date",
                         name, value);
        c->bad_date = true;
      }
      if (from)
        c->seen_from = true;
      else
        c->seen_to = true;
      return 1;
    }
  } else if (strcmp(section, "policy") == 0) {
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
      if (strcmp(name, ints[i].key) != 0)
        continue;
      char *end;
      long v = strtol(value, &end, 10);
      if (*value == '\0' || *end != '\0' || v < 0 || v > ints[i].max)
        slp_rules_errorf(c->errs, "manifest.ini", line,
                         "%s: \"%.40s\" is not a whole number in range", name, value);
      else
        *(int32_t *)(void *)((char *)m + ints[i].off) = (int32_t)v;
      return 1;
    }
    if (strcmp(name, "poc_referral_exception_from") == 0) {
      if (slp_date_parse(value, &m->poc_referral_exception_from) != 0)
        slp_rules_errorf(c->errs, "manifest.ini", line, "%s: \"%.40s\" is not a YYYY-MM-DD date",
                         name, value);
      return 1;
    }
  } else if (strcmp(section, "pricing") == 0) {
    return slp__manifest_pricing(c->r, name, value, line, c->errs);
  }
  slp_rules_errorf(c->errs, "manifest.ini", line, "unknown key %s in [%s]", name, section);
  return 1;
}

static void load_manifest(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  char full[4096];
  snprintf(full, sizeof full, "%s/manifest.ini", dir);
  char *text;
  size_t len;
  int frc = slp__read_file(full, &text, &len);
  if (frc != 0) {
    slp__file_report(errs, "manifest.ini", "cannot read the manifest", frc);
    return;
  }
  long nul = slp__nul_line(text, len);
  if (nul > 0) { /* inih would stop at it and read a shorter manifest */
    slp_rules_errorf(errs, "manifest.ini", nul, "NUL byte");
    free(text);
    return;
  }
  slp__manifest_t *m = &r->manifest;
  m->poc_cert_days = 30; /* defaults when the [policy] section leaves a key out */
  m->poc_max_days = 90;
  slp_date_parse("2025-01-01", &m->poc_referral_exception_from);
  m->progress_report_days = 10;
  m->progress_warn_from = 8;
  m->medicare_group_max = 4;
  manifest_ctx_t c = {r, text, errs, false, false, false};
  int rc = ini_parse_string(text, on_ini, &c);
  if (rc > 0)
    slp_rules_errorf(errs, "manifest.ini", rc, "not an ini line");
  if (m->version[0] == '\0')
    slp_rules_errorf(errs, "manifest.ini", 0, "[bundle] version is missing");
  if (!c.seen_from || !c.seen_to)
    slp_rules_errorf(errs, "manifest.ini", 0,
                     "[bundle] effective_from and effective_to are required");
  else if (!c.bad_date && m->effective_to < m->effective_from)
    slp_rules_errorf(errs, "manifest.ini", key_line(text, "effective_to"),
                     "effective_to is before effective_from");
  free(text);
}

/* The files at the top that a loader opens (and reports on itself). */
static const char *const known[] = {
    "codes.tsv",       "necessity.tsv",  "icd10cm.tsv",     "kx.tsv",  "telehealth.tsv",
    "payer_kinds.tsv", "payers.tsv",     "payer_units.tsv", "mue.tsv", "ptp.tsv",
    "fees.tsv",        "conversion.tsv", "charges.tsv",     "pointers.tsv", "pos.tsv",
    "mppr.tsv",        "orgs.tsv",       "manifest.ini"};

/* A .tsv at the top that no loader reads is most likely a misspelt table: refuse it. */
static void check_unknown_tables(const char *dir, slp_rules_errors_t *errs) {
  slp__names_t ns = {0};
  slp__list_files(dir, "", &ns);
  qsort(ns.v, ns.n, sizeof *ns.v, slp__cmp_str);
  for (size_t i = 0; i < ns.n; i++) {
    size_t l = strlen(ns.v[i]);
    if (l < 4 || strcmp(ns.v[i] + l - 4, ".tsv") != 0)
      continue;
    bool ok = false;
    for (size_t k = 0; k < sizeof known / sizeof known[0] && !ok; k++)
      ok = strcmp(ns.v[i], known[k]) == 0;
    if (!ok)
      slp_rules_errorf(errs, ns.v[i], 0, "not a table this bundle format knows");
  }
  slp__names_free(&ns);
}

/* ---- public API ----------------------------------------------------------- */

static void rules_free(slp_rules_t *r) {
  free(r->codes.v);
  free(r->payers.v);
  free(r->units.v);
  free(r->kx.v);
  free(r->ptp.v);
  free(r->mue.v);
  free(r->icd_headers.v);
  free(r->icd_manifest.v);
  free(r->icd_codes.v);
  free(r->ranks.v);
  free(r->xwalk.v);
  free(r->xwalk_alpha.v);
  free(r->fees.v);
  free(r->cfs.v);
  free(r->charges.v);
  free(r->pos.v);
  free(r->mppr.v);
  free(r->orgs.v);
  free(r->gpcis.v);
  free(r->localities.v);
  free(r);
}

int slp_rules_load(const char *dir, slp_rules_t **out, slp_rules_errors_t *errs) {
  slp_rules_errors_t local;
  if (errs == NULL)
    errs = &local;
  memset(errs, 0, sizeof *errs);
  *out = NULL;
  slp_rules_t *r = calloc(1, sizeof *r);
  if (r == NULL) {
    slp_rules_errorf(errs, ".", 0, "out of memory");
    return -1;
  }
  struct stat st;
  if (dir == NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    slp_rules_errorf(errs, ".", 0, "%s is not a directory", dir ? dir : "(null)");
    free(r);
    return -1;
  }
  load_manifest(r, dir, errs);
  /* Order matters: families before codes, kinds and windows before payers. */
  slp__load_necessity(r, dir, errs);
  slp__load_codes(r, dir, errs);
  slp__load_icd(r, dir, errs);
  slp__load_kx(r, dir, errs);
  slp__load_telehealth(r, dir, errs);
  slp__load_payer_kinds(r, dir, errs);
  slp__load_payers(r, dir, errs);
  slp__load_payer_units(r, dir, errs);
  slp__load_mue(r, dir, errs);
  slp__load_ptp(r, dir, errs);
  slp__load_fees(r, dir, errs);
  slp__load_conversion(r, dir, errs);
  slp__load_charges(r, dir, errs);
  slp__load_pointers(r, dir, errs);
  slp__load_pos(r, dir, errs);
  slp__load_mppr(r, dir, errs);
  slp__load_orgs(r, dir, errs);
  slp__load_cms(r, dir, errs);
  slp__finalize(r, errs);
  check_unknown_tables(dir, errs);
  /* a FIFO, device or dangling link at the top that no loader opens; directories are let be */
  slp__report_irregular(dir, "", known, sizeof known / sizeof known[0], true, errs);
  uint64_t h = 0;
  hash_bundle(dir, &h, errs);
  if (errs->n_total > 0) {
    rules_free(r);
    return -1;
  }
  snprintf(r->version, sizeof r->version, "%s+%012llx", r->manifest.version,
           (unsigned long long)(h & 0xffffffffffffULL));
  atomic_init(&r->refs, 1);
  *out = r;
  return 0;
}

slp_rules_t *slp_rules_ref(slp_rules_t *rules) {
  if (rules != NULL)
    atomic_fetch_add_explicit(&rules->refs, 1, memory_order_relaxed);
  return rules;
}

void slp_rules_unref(slp_rules_t *rules) {
  if (rules == NULL)
    return;
  /* acq_rel: the last owner must see every other owner's reads finished before it frees. */
  if (atomic_fetch_sub_explicit(&rules->refs, 1, memory_order_acq_rel) == 1)
    rules_free(rules);
}

const char *slp_rules_version(const slp_rules_t *rules) {
  return rules ? rules->version : "";
}

void slp_rules_describe(const slp_rules_t *rules, char *buf, size_t len) {
  if (buf == NULL || len == 0)
    return;
  if (rules == NULL) {
    snprintf(buf, len, "no bundle");
    return;
  }
  char from[11], to[11];
  slp_date_format(rules->manifest.effective_from, from);
  slp_date_format(rules->manifest.effective_to, to);
  snprintf(buf, len,
           "rules %s for DOS %s..%s: %zu code rows, %zu payer rows, %zu PTP rows, %zu MUE rows, "
           "%zu ICD-10-CM codes read (%zu headers), %zu fee rows, %zu charge rows",
           rules->version, from, to, rules->codes.n, rules->payers.n, rules->ptp.n, rules->mue.n,
           rules->n_icd_cms, rules->icd_headers.n, rules->fees.n, rules->charges.n);
}
