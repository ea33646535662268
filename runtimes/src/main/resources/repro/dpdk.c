/*@HEADER@*/
/*
 * A standalone reproducer: loads the BPF program below with DPDK's librte_bpf (rte_bpf_load, no
 * EAL needed) and runs it once with its @ENGINE@.
 *
 * Context: r1 points at a copy of the input memory (prog_arg RTE_BPF_ARG_PTR of its size, as
 * DPDK's validator requires), one instruction before the program sets r2 = its length, and
 * the program follows unchanged. Output: "r0 = 0x..." (all 64 bits) and the memory after the
 * run, or DPDK's message and "rejected: ...".
 *
 * Build (Debian: apt-get install libdpdk-dev librte-bpf23):
 *   gcc -O2 -I/usr/include/dpdk -I/usr/include/x86_64-linux-gnu/dpdk -o repro repro.c -l:librte_bpf.so.23 -l:librte_eal.so.23
 * Run: ./repro     Also: ./repro PROGRAM_HEX [MEMORY_HEX] runs another program.
 */
#include <errno.h>
#include <rte_bpf.h>
#include <rte_log.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char program[] = {/*@PROGRAM@*/};
static unsigned char memory[] = {/*@MEMORY@*/};
static const int use_jit = /*@JIT@*/;

static size_t parse_hex(const char *s, unsigned char **out) {
    size_t n = 0, cap = strlen(s) / 2 + 1;
    unsigned char *b = malloc(cap);
    int hi = -1;
    for (; *s; s++) {
        int v = (*s >= '0' && *s <= '9') ? *s - '0' : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : -1;
        if (v < 0) continue;
        if (hi < 0) hi = v; else { b[n++] = (unsigned char) (hi << 4 | v); hi = -1; }
    }
    *out = b;
    return n;
}

int main(int argc, char **argv) {
    rte_openlog_stream(stdout); /* DPDK's messages (why it refused a program) among the output */
    const unsigned char *prog = program;
    unsigned char *mem = memory;
    size_t prog_len = sizeof(program), mem_len = sizeof(memory);
    if (argc > 1) {
        unsigned char *p, *m = NULL;
        prog_len = parse_hex(argv[1], &p);
        mem_len = argc > 2 ? parse_hex(argv[2], &m) : 0;
        prog = p;
        mem = m;
    }
    size_t user = prog_len / 8;
    struct ebpf_insn *ins = calloc(user + 1, sizeof(*ins));
    ins[0] = (struct ebpf_insn) {.code = EBPF_ALU64 | EBPF_MOV | BPF_K, .dst_reg = 2, .imm = (int32_t) mem_len}; /* r2 = length */
    memcpy(ins + 1, prog, user * 8);
    struct rte_bpf_prm prm;
    memset(&prm, 0, sizeof(prm));
    prm.ins = ins;
    prm.nb_ins = (uint32_t) (user + 1);
    prm.prog_arg.type = RTE_BPF_ARG_PTR;
    prm.prog_arg.size = mem_len;
    struct rte_bpf *bpf = rte_bpf_load(&prm);
    if (bpf == NULL) {
        printf("rejected: rte_bpf_load failed (DPDK's pcs above count the r2 instruction before the program)\n");
        return 1;
    }
    uint64_t r0;
    unsigned char *buf = malloc(mem_len + 1);
    memcpy(buf, mem, mem_len);
    if (use_jit) {
        struct rte_bpf_jit jit;
        if (rte_bpf_get_jit(bpf, &jit) != 0 || jit.func == NULL) { printf("rejected: DPDK loaded the program but did not JIT-compile it\n"); return 1; }
        r0 = jit.func(buf);
    } else {
        r0 = rte_bpf_exec(bpf, buf);
    }
    printf("r0 = 0x%llx\n", (unsigned long long) r0);
    if (mem_len > 0) {
        printf("memory:");
        for (size_t k = 0; k < mem_len; k++) printf(" %02x", buf[k]);
        printf("\n");
    }
    rte_bpf_destroy(bpf);
    return 0;
}
