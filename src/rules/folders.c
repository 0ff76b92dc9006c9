/* SPDX-License-Identifier: Apache-2.0 */
/* folders.c -- the bundle's directory: sorted file lists, and the CMS folders (ncci/, mue/,
 * icd10cm/, pfs/) whose files are read with the parsers of cms.h exactly as CMS publishes them. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/date.h"
#include "rules/cms_util.h"
#include "rules/load.h"
#include "slpcoder/cms.h"

int slp__cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void slp__names_free(slp__names_t *ns) {
  for (size_t i = 0; i < ns->n; i++)
    free(ns->v[i]);
  free(ns->v);
  memset(ns, 0, sizeof *ns);
}

/* Regular files of dir/sub (sub "" = the top), as bundle-relative paths, appended to ns. */
void slp__list_files(const char *dir, const char *sub, slp__names_t *ns) {
  char path[4096];
  snprintf(path, sizeof path, "%s%s%s", dir, *sub ? "/" : "", sub);
  DIR *d = opendir(path);
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char rel[1024], full[4096 + 1024];
    snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
    snprintf(full, sizeof full, "%s/%s", dir, rel);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    char *copy = strdup(rel);
    char **slot = copy ? slp__vec_push((void **)&ns->v, &ns->n, &ns->cap, sizeof *ns->v) : NULL;
    if (slot == NULL) {
      free(copy);
      break;
    }
    *slot = copy;
  }
  closedir(d);
}

const char *const slp__cms_dirs[4] = {"ncci", "mue", "icd10cm", "pfs"};

void slp__report_irregular(const char *dir, const char *sub, const char *const *skip, size_t nskip,
                           bool dirs_ok, slp_rules_errors_t *errs) {
  char path[4096];
  snprintf(path, sizeof path, "%s%s%s", dir, *sub ? "/" : "", sub);
  DIR *d = opendir(path);
  if (d == NULL)
    return;
  slp__names_t bad = {0}; /* sorted, so the messages come in a stable order */
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    bool skipped = false;
    for (size_t i = 0; i < nskip && !skipped; i++)
      skipped = strcmp(e->d_name, skip[i]) == 0;
    if (skipped)
      continue;
    char full[4096 + 256];
    snprintf(full, sizeof full, "%s/%s", path, e->d_name);
    struct stat st; /* stat, not lstat: a symlink to a regular file is a regular file */
    int err = stat(full, &st) != 0 ? errno : 0;
    if (err == 0 && (S_ISREG(st.st_mode) || (dirs_ok && S_ISDIR(st.st_mode))))
      continue;
    char rel[1024]; /* "sub/name", a NUL, then stat's reason ("" when it is the file type) */
    snprintf(rel, sizeof rel, "%s%s%s%c%s", sub, *sub ? "/" : "", e->d_name, '\0',
             err ? strerror(err) : "");
    size_t rl = strlen(rel), ml = strlen(rel + rl + 1);
    char *copy = malloc(rl + ml + 2);
    char **slot = copy ? slp__vec_push((void **)&bad.v, &bad.n, &bad.cap, sizeof *bad.v) : NULL;
    if (slot == NULL) {
      free(copy);
      break;
    }
    memcpy(copy, rel, rl + ml + 2);
    *slot = copy;
  }
  closedir(d);
  if (bad.n > 1)
    qsort(bad.v, bad.n, sizeof *bad.v, slp__cmp_str);
  for (size_t i = 0; i < bad.n; i++) {
    const char *why = bad.v[i] + strlen(bad.v[i]) + 1;
    if (*why)
      slp_rules_errorf(errs, bad.v[i], 0, "cannot read: %s", why);
    else
      slp_rules_errorf(errs, bad.v[i], 0, "not a regular file");
  }
  slp__names_free(&bad);
}

/* ---- CMS folders ------------------------------------------------------------ */

static bool ends_with_ci(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

typedef struct ptp_load {
  slp_rules_t *r;
  slp__cms_days_cache_t days; /* yyyymmdd -> day number, for the few dates CMS repeats */
} ptp_load_t;

static int on_ptp(void *ctx, const slp_cms_ptp_row_t *row) {
  ptp_load_t *c = ctx;
  int32_t from, to = SLP__NO_END;
  uint32_t c1, c2;
  if (slp__cms_days(&c->days, row->effective, &from) != 0)
    return 0;
  if (row->deletion != SLP_CMS_NO_DATE && slp__cms_days(&c->days, row->deletion, &to) != 0)
    return 0;
  if (slp__code36(row->column1, &c1) != 0 || slp__code36(row->column2, &c2) != 0)
    return 0; /* the parser takes 5-character HCPCS codes only */
  /* reserve_ptp made room for the whole folder: push without a call or a memset per row */
  slp__ptp_row_t *p =
      c->r->ptp.n < c->r->ptp.cap ? &c->r->ptp.v[c->r->ptp.n++] : SLP__PUSH(c->r->ptp);
  if (p == NULL)
    return -1;
  *p = (slp__ptp_row_t){.col1 = c1,
                        .col2 = c2,
                        .indicator = (uint32_t)row->modifier_indicator,
                        .from_cms = 1,
                        .from = from,
                        .to = to};
  return 0;
}

static int on_mue(void *ctx, const slp_cms_mue_row_t *row) {
  slp_rules_t *r = ctx;
  slp__mue_row_t *m = SLP__PUSH(r->mue);
  if (m == NULL)
    return -1;
  slp__key(m->code, SLP__CODE, row->code);
  m->max_units = row->max_units;
  m->mai = (uint8_t)row->adjudication;
  m->from_cms = 1;
  m->seq = r->seq++;
  return 0;
}

static int on_icd(void *ctx, const slp_cms_icd10_row_t *row) {
  slp_rules_t *r = ctx;
  r->n_icd_cms++;
  slp__icd_row_t *k = SLP__PUSH(r->icd_codes);
  if (k == NULL)
    return -1;
  slp__key(k->code, SLP__CODE, row->code);
  if (row->billable)
    return 0;
  slp__icd_row_t *h = SLP__PUSH(r->icd_headers);
  if (h == NULL)
    return -1;
  slp__key(h->code, SLP__CODE, row->code);
  return 0;
}

typedef struct pfs_ctx {
  slp_rules_t *r;
  int32_t year;
  bool have_cf;
  int qpp;       /* the file's QPP status from its name: 0 nonQPP, 1 QPP, -1 not named */
  bool rvus;     /* take this file's RVU rows (its status is the one the bundle prices with) */
} pfs_ctx_t;

/* CMS ships PPRRVU2026_Jul_QPP.csv and PPRRVU2026_Jul_nonQPP.csv in one zip; 2025's files
 * carry no status (one conversion factor for all). */
static int qpp_from_name(const char *name) {
  for (const char *p = name; *p; p++) {
    if (strncasecmp(p, "nonQPP", 6) == 0)
      return SLP__NON_QPP;
    if (strncasecmp(p, "QPP", 3) == 0)
      return SLP__QPP;
  }
  return -1;
}

static int on_pfs(void *ctx, const slp_cms_pfs_row_t *row) {
  pfs_ctx_t *c = ctx;
  if (row->modifier[0] != '\0')
    return 0; /* professional/technical component rows: the therapy codes bill globally */
  if (!c->have_cf && row->conv_factor_e4 > 0) {
    /* A file without a status in its name gives the CF of both statuses. */
    for (int q = 0; q < 2; q++) {
      if (c->qpp >= 0 && q != c->qpp)
        continue;
      slp__cf_row_t *cf = SLP__PUSH(c->r->cfs);
      if (cf == NULL)
        return -1;
      cf->year = c->year;
      cf->cf_e4 = row->conv_factor_e4;
      cf->qpp = (uint8_t)q;
      cf->from_cms = 1;
      cf->seq = c->r->seq++;
    }
    c->have_cf = true;
  }
  if (!c->rvus)
    return 0;
  /* Only codes Medicare pays on the fee schedule carry an amount: A active, R restricted,
   * T paid only without other services. B bundled, I not valid, N non-covered and the rest
   * add nothing to the expected allowed amount (fact sheet C2). */
  if (row->status != 'A' && row->status != 'R' && row->status != 'T')
    return 0;
  slp__fee_row_t *f = SLP__PUSH(c->r->fees);
  if (f == NULL)
    return -1;
  slp__key(f->code, SLP__CODE, row->code);
  f->year = c->year;
  f->nf_milli = row->nonfac_total_milli;
  f->fac_milli = row->fac_total_milli;
  f->work_milli = row->work_milli;
  f->pe_nf_milli = row->pe_nf_milli;
  f->pe_fac_milli = row->pe_fac_milli;
  f->mp_milli = row->mp_milli;
  f->has_components = true;
  f->mult_proc = (uint8_t)row->mult_proc;
  snprintf(f->shown, sizeof f->shown, "%lld.%02lld", (long long)(f->nf_milli / 1000),
           (long long)(f->nf_milli % 1000 / 10));
  f->from_cms = 1;
  f->seq = c->r->seq++;
  return 0;
}

typedef struct gpci_ctx {
  slp_rules_t *r;
  int32_t year;
} gpci_ctx_t;

static int on_gpci(void *ctx, const slp_cms_gpci_row_t *row) {
  gpci_ctx_t *c = ctx;
  slp__gpci_row_t *g = SLP__PUSH(c->r->gpcis);
  if (g == NULL)
    return -1;
  g->year = c->year;
  memcpy(g->mac, row->mac, sizeof g->mac);
  memcpy(g->locality, row->locality, sizeof g->locality);
  g->work_milli = row->work_milli;
  g->pe_milli = row->pe_milli;
  g->mp_milli = row->mp_milli;
  snprintf(g->name, sizeof g->name, "%s", row->name);
  return 0;
}

static int on_locality(void *ctx, const slp_cms_locality_row_t *row) {
  slp_rules_t *r = ctx;
  slp__locality_t *l = SLP__PUSH(r->localities);
  if (l == NULL)
    return -1;
  memcpy(l->mac, row->mac, sizeof l->mac);
  memcpy(l->locality, row->locality, sizeof l->locality);
  return 0;
}

/* pfs/ holds three kinds of CMS file: 1 PPRRVU, 2 GPCI, 3 the county-to-locality file. */
static int pfs_kind(const char *name) {
  if (!ends_with_ci(name, ".csv"))
    return 0;
  if (strncasecmp(name, "PPRRVU", 6) == 0)
    return 1;
  if (strncasecmp(name, "GPCI", 4) == 0)
    return 2;
  for (const char *p = name; *p; p++)
    if (strncasecmp(p, "LOCCO", 5) == 0)
      return 3;
  return 0;
}

/* Which files of each folder are CMS data: the rest (README, PDFs, notices) is carried, hashed,
 * unread. */
static bool cms_wanted(int folder, const char *name) {
  switch (folder) {
  case 0:
    return ends_with_ci(name, ".txt");
  case 1:
    return ends_with_ci(name, ".csv");
  case 2:
    return ends_with_ci(name, ".txt") && strncasecmp(name, "icd10cm_order", 13) == 0;
  default:
    return pfs_kind(name) != 0;
  }
}

/* Room for the rows of ncci/'s files at once, from their sizes (a CMS PTP line is 50-100 bytes
 * with its rationale, never under 25): growing 1.8 M rows by doubling copies and faults them
 * twice. The surplus is given back once the files are read. */
static void reserve_ptp(slp_rules_t *r, const char *dir, const slp__names_t *ns) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < ns->n; i++) {
    char full[4096];
    struct stat st;
    snprintf(full, sizeof full, "%s/%s", dir, ns->v[i]);
    if (cms_wanted(0, strchr(ns->v[i], '/') + 1) && stat(full, &st) == 0 && S_ISREG(st.st_mode))
      bytes += (uint64_t)st.st_size;
  }
  size_t want = r->ptp.n + (size_t)(bytes / 48) + 16;
  if (bytes < (1u << 20) || want <= r->ptp.cap)
    return;
  slp__ptp_row_t *v = realloc(r->ptp.v, want * sizeof *v);
  if (v != NULL) { /* else the pushes grow it as before */
    r->ptp.v = v;
    r->ptp.cap = want;
  }
}

static void trim_ptp(slp_rules_t *r) {
  if (r->ptp.n == 0 || r->ptp.cap - r->ptp.n < 4096)
    return;
  slp__ptp_row_t *v = realloc(r->ptp.v, r->ptp.n * sizeof *v);
  if (v != NULL) {
    r->ptp.v = v;
    r->ptp.cap = r->ptp.n;
  }
}

void slp__load_cms(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  ptp_load_t ptp = {r, {{0}, {0}}};
  for (int folder = 0; folder < 4; folder++) {
    /* slp__list_files passes over anything but regular files: say so, a FIFO or a dangling link
     * dropped into a CMS folder must not be skipped without a word. */
    slp__report_irregular(dir, slp__cms_dirs[folder], NULL, 0, false, errs);
    slp__names_t ns = {0};
    slp__list_files(dir, slp__cms_dirs[folder], &ns);
    qsort(ns.v, ns.n, sizeof *ns.v, slp__cmp_str);
    if (folder == 0)
      reserve_ptp(r, dir, &ns);
    for (size_t i = 0; i < ns.n; i++) {
      const char *name = strchr(ns.v[i], '/') + 1;
      if (!cms_wanted(folder, name))
        continue;
      char full[4096];
      snprintf(full, sizeof full, "%s/%s", dir, ns.v[i]);
      switch (folder) {
      case 0:
        slp_cms_ptp_parse(full, ns.v[i], on_ptp, &ptp, errs);
        break;
      case 1:
        slp_cms_mue_parse(full, ns.v[i], on_mue, r, errs);
        break;
      case 2:
        slp_cms_icd10_parse(full, ns.v[i], on_icd, r, errs);
        break;
      default:
        if (pfs_kind(name) == 2) {
          gpci_ctx_t g = {r, slp_cms_gpci_year_from_name(name)};
          if (g.year < 0)
            slp_rules_errorf(errs, ns.v[i], 0, "the file name does not say which year it covers");
          else
            slp_cms_gpci_parse(full, ns.v[i], on_gpci, &g, errs);
        } else if (pfs_kind(name) == 3) {
          slp_cms_locality_parse(full, ns.v[i], on_locality, r, errs);
        } else {
          int q = qpp_from_name(name);
          pfs_ctx_t c = {r, slp_cms_pfs_year_from_name(name), false, q, q < 0 || q == r->qpp};
          if (c.year < 0) {
            slp_rules_errorf(errs, ns.v[i], 0, "the file name does not say which year it covers");
            break;
          }
          slp_cms_pfs_parse(full, ns.v[i], on_pfs, &c, errs);
        }
      }
    }
    slp__names_free(&ns);
    if (folder == 0)
      trim_ptp(r);
  }
}
