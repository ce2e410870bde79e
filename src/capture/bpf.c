/* BPF filters: compiling expressions with libpcap, raw programs, the
 * standalone filter object, and filters on handles (the kernel's for live
 * handles, the reads' filter hook for file handles). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "core/handle_int.h"
#include "pkt/live.h"

/* Link types whose libpcap DLT_* value on this platform differs from the
 * LINKTYPE_* value (the others are equal). */
static const struct {
    uint32_t linktype;
    int dlt;
} dlt_map[] = {
    {100, DLT_ATM_RFC1483},
    {101, DLT_RAW},
    {102, DLT_SLIP_BSDOS},
    {103, DLT_PPP_BSDOS},
#ifdef DLT_ATM_CLIP
    {106, DLT_ATM_CLIP},
#endif
#ifdef DLT_PFSYNC
    {246, DLT_PFSYNC},
#endif
};

uint32_t pkt__dlt_to_linktype(int dlt)
{
    for (size_t i = 0; i < sizeof dlt_map / sizeof dlt_map[0]; i++)
        if (dlt_map[i].dlt == dlt)
            return dlt_map[i].linktype;
    return (uint32_t)dlt;
}

int pkt__linktype_to_dlt(uint32_t link_type)
{
    for (size_t i = 0; i < sizeof dlt_map / sizeof dlt_map[0]; i++)
        if (dlt_map[i].linktype == link_type)
            return dlt_map[i].dlt;
    return (int)link_type;
}

/* Any link type (a filter made from raw instructions). */
#define BPF_ANY_LINKTYPE UINT32_MAX

struct pkt_bpf {
    uint32_t link_type;
    size_t n;
    struct bpf_insn *insns; /* our own copy */
    pkt_bpf_insn *pub;      /* the same program in the public shape */
};

int pkt__bpf_compile_dead(const char *expr, uint32_t link_type, int snaplen, uint32_t netmask,
                          void *prog, pkt_error *err)
{
    if (!expr) {
        pkt__error_set(err, PKT_ERR_INVAL, "no filter expression given");
        return PKT_ERR_INVAL;
    }
    if (snaplen <= 0)
        snaplen = PKT_DEFAULT_SNAPLEN;
    pcap_t *p = pcap_open_dead(pkt__linktype_to_dlt(link_type), snaplen);
    if (!p) {
        pkt__error_set(err, PKT_ERR_NOMEM, "cannot compile filter '%s': out of memory", expr);
        return PKT_ERR_NOMEM;
    }
    if (pcap_compile(p, prog, expr, 1, netmask) < 0) {
        const char *lt = pkt_linktype_name(link_type);
        pkt__error_set(err, PKT_ERR_FILTER,
                       "bad filter expression '%s' for link type %s (%u): %s; see pcap-filter(7) "
                       "for the syntax",
                       expr, lt ? lt : "?", link_type, pcap_geterr(p));
        pcap_close(p);
        return PKT_ERR_FILTER;
    }
    pcap_close(p);
    return 0;
}

static void bpf_free_fn(void *f)
{
    pkt_bpf_free(f);
}

void pkt_bpf_free(pkt_bpf *f)
{
    if (!f)
        return;
    free(f->insns);
    free(f->pub);
    free(f);
}

/* A filter object owning a copy of n instructions. */
static pkt_bpf *bpf_from_insns(const struct bpf_insn *insns, size_t n, uint32_t link_type,
                               pkt_error *err)
{
    pkt_bpf *f = calloc(1, sizeof *f);
    if (f) {
        f->insns = calloc(n, sizeof *f->insns);
        f->pub = calloc(n, sizeof *f->pub);
    }
    if (!f || !f->insns || !f->pub) {
        pkt_bpf_free(f);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory for a %zu-instruction filter", n);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        f->insns[i] = insns[i];
        f->pub[i].code = insns[i].code;
        f->pub[i].jt = insns[i].jt;
        f->pub[i].jf = insns[i].jf;
        f->pub[i].k = insns[i].k;
    }
    f->n = n;
    f->link_type = link_type;
    return f;
}

/* Copy a raw public program into libpcap's shape and validate it. */
static int raw_to_insns(const pkt_bpf_insn *in, size_t n, struct bpf_insn **out, pkt_error *err)
{
    if (!in || n == 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "empty BPF program");
        return PKT_ERR_INVAL;
    }
    if (n > PKT_BPF_MAX_INSNS) {
        pkt__error_set(err, PKT_ERR_TOO_BIG, "BPF program of %zu instructions: at most %d allowed",
                       n, PKT_BPF_MAX_INSNS);
        return PKT_ERR_TOO_BIG;
    }
    struct bpf_insn *v = calloc(n, sizeof *v);
    if (!v) {
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory for a %zu-instruction filter", n);
        return PKT_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        v[i].code = in[i].code;
        v[i].jt = in[i].jt;
        v[i].jf = in[i].jf;
        v[i].k = in[i].k;
    }
    if (!bpf_validate(v, (int)n)) {
        free(v);
        pkt__error_set(err, PKT_ERR_FILTER,
                       "invalid BPF program of %zu instructions (bad opcode, jump out of range, "
                       "or no return at the end)",
                       n);
        return PKT_ERR_FILTER;
    }
    *out = v;
    return 0;
}

int pkt_bpf_compile(const char *expr, uint32_t link_type, int snaplen, pkt_bpf_insn *out,
                    size_t max, pkt_error *err)
{
    if (!expr || (!out && max)) {
        pkt__error_set(err, PKT_ERR_INVAL, "pkt_bpf_compile: NULL argument");
        return PKT_ERR_INVAL;
    }
    struct bpf_program prog;
    int r = pkt__bpf_compile_dead(expr, link_type, snaplen, PCAP_NETMASK_UNKNOWN, &prog, err);
    if (r < 0)
        return r;
    size_t n = prog.bf_len;
    if (n > max) {
        pcap_freecode(&prog);
        pkt__error_set(err, PKT_ERR_TOO_BIG,
                       "filter '%s' compiles to %zu instructions, more than the %zu given", expr, n,
                       max);
        return PKT_ERR_TOO_BIG;
    }
    for (size_t i = 0; i < n; i++) {
        out[i].code = prog.bf_insns[i].code;
        out[i].jt = prog.bf_insns[i].jt;
        out[i].jf = prog.bf_insns[i].jf;
        out[i].k = prog.bf_insns[i].k;
    }
    pcap_freecode(&prog);
    return (int)n;
}

pkt_bpf *pkt_bpf_new(const char *expr, uint32_t link_type, int snaplen, pkt_error *err)
{
    struct bpf_program prog;
    if (pkt__bpf_compile_dead(expr, link_type, snaplen, PCAP_NETMASK_UNKNOWN, &prog, err) < 0)
        return NULL;
    pkt_bpf *f = bpf_from_insns(prog.bf_insns, prog.bf_len, link_type, err);
    pcap_freecode(&prog);
    return f;
}

pkt_bpf *pkt_bpf_new_raw(const pkt_bpf_insn *insns, size_t n, pkt_error *err)
{
    struct bpf_insn *v;
    if (raw_to_insns(insns, n, &v, err) < 0)
        return NULL;
    pkt_bpf *f = bpf_from_insns(v, n, BPF_ANY_LINKTYPE, err);
    free(v);
    return f;
}

int pkt_bpf_matches(const pkt_bpf *f, const uint8_t *data, const pkt_capture_info *ci)
{
    if (!f || !ci || (!data && ci->caplen))
        return PKT_ERR_INVAL;
    u_int wire = ci->len ? ci->len : ci->caplen;
    return bpf_filter(f->insns, data, wire, ci->caplen) != 0;
}

const pkt_bpf_insn *pkt_bpf_instructions(const pkt_bpf *f, size_t *n)
{
    if (!f || !n)
        return NULL;
    *n = f->n;
    return f->pub;
}

/* The reads' filter hook for file handles. */
static int handle_filter_match(void *filter, const uint8_t *data, const pkt_capture_info *ci)
{
    const pkt_bpf *f = filter;
    if (f->link_type != BPF_ANY_LINKTYPE && ci->link_type != f->link_type)
        return 0;
    return pkt_bpf_matches(f, data, ci) == 1;
}

static void handle_set_hook(pkt_handle *h, pkt_bpf *f)
{
    if (h->filter && h->filter_free)
        h->filter_free(h->filter);
    h->filter = f;
    h->filter_match = f ? handle_filter_match : NULL;
    h->filter_free = f ? bpf_free_fn : NULL;
}

int pkt_handle_set_bpf_filter(pkt_handle *h, const char *expr)
{
    if (!h)
        return PKT_ERR_INVAL;
    int remove = !expr || !*expr;
    if (h->ops->compile && h->ops->set_filter) {
        struct bpf_program prog;
        int r = h->ops->compile(h, remove ? "" : expr, &prog);
        if (r < 0)
            return r;
        r = h->ops->set_filter(h, &prog);
        pcap_freecode(&prog);
        return r;
    }
    if (remove) {
        handle_set_hook(h, NULL);
        return 0;
    }
    pkt_error err;
    pkt_bpf *f = pkt_bpf_new(expr, h->link_type, h->snaplen ? (int)h->snaplen : 0, &err);
    if (!f)
        return pkt__handle_fail(h, err.code, "%s", err.message);
    handle_set_hook(h, f);
    return 0;
}

int pkt_handle_set_bpf_instructions(pkt_handle *h, const pkt_bpf_insn *insns, size_t n)
{
    if (!h)
        return PKT_ERR_INVAL;
    pkt_error err;
    struct bpf_insn *v;
    int r = raw_to_insns(insns, n, &v, &err);
    if (r < 0)
        return pkt__handle_fail(h, r, "%s", err.message);
    if (h->ops->set_filter) {
        struct bpf_program prog = {(u_int)n, v};
        r = h->ops->set_filter(h, &prog);
        free(v);
        return r;
    }
    pkt_bpf *f = bpf_from_insns(v, n, BPF_ANY_LINKTYPE, &err);
    free(v);
    if (!f)
        return pkt__handle_fail(h, err.code, "%s", err.message);
    handle_set_hook(h, f);
    return 0;
}
