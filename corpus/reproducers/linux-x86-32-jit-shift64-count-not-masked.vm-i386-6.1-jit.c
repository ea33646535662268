/*
 * crosscheck reproducer of linux-x86-32-jit-shift64-count-not-masked.data on vm:i386-6.1:jit
 * RFC 9669 (crosscheck's reference interpreter, interp): r0 = 0x202 (514)
 * written on Linux 6.1.0-57-686-pae (Debian linux-image-6.1.0-57-686-pae-unsigned 6.1.192-3), i386 in QEMU, its JIT (net.core.bpf_jit_enable 1)
 * 
 * The program, in the LLVM dialect:
 *      0: r0 = 1
 *      1: r1 = 65
 *      2: r0 <<= r1
 *      3: w2 = 1
 *      4: w3 = 33
 *      5: w2 <<= w3
 *      6: r2 <<= 8
 *      7: r0 |= r2
 *      8: exit
 */
/*
 * A standalone reproducer: loads the BPF program below into the running Linux kernel with raw
 * bpf(2) (no libbpf), as a socket filter, and runs it once with BPF_PROG_TEST_RUN.
 *
 * Context: the input memory is the value of a one-element BPF array map; two instructions put
 * its address in r1 (BPF_PSEUDO_MAP_VALUE) and its length in r2 before the program, which
 * follows unchanged (packet programs also get r6 = the skb context, as ld_abs/ld_ind need).
 * Output: the kernel it ran on (uname, net.core.bpf_jit_enable), "r0 = 0x..." (BPF_PROG_TEST_RUN's
 * retval: r0's low 32 bits) and the memory after the run, or "rejected: ..." with the verifier's last
 * line (the whole log goes to stderr); then, where RFC 9669's r0 for the program is known, that r0 and
 * whether this kernel returned it. Exit code 0: it ran and returned RFC 9669's r0 (or none is known);
 * 1: it returned another r0, or the load was refused; 2: a system call failed.
 *
 * Build: gcc -O2 -o repro repro.c    Run (root, or CAP_BPF + CAP_PERFMON): ./repro
 * Also:  ./repro PROGRAM_HEX [MEMORY_HEX]  runs another program (8 bytes per instruction, hex).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static const unsigned char program[] = {
    0xb7, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb7, 0x01, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00,
    0x6f, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb4, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb4, 0x03, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00,
    0x6c, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x67, 0x02, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x4f, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char memory[] = {};
static const int packet = 0; /* the program uses ld_abs/ld_ind */
static const int rfc_known = 1; /* RFC 9669's result of the program above is known: */
static const uint32_t rfc_r0 = 0x202; /* its r0's low 32 bits, what BPF_PROG_TEST_RUN reports */

static long sys_bpf(int cmd, union bpf_attr *attr) {
    return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static size_t parse_hex(const char *s, unsigned char **out) {
    size_t n = 0, cap = strlen(s) / 2 + 1;
    unsigned char *b = malloc(cap);
    int hi = -1;
    for (; *s; s++) {
        int v = (*s >= '0' && *s <= '9') ? *s - '0' : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : -1;
        if (v < 0) continue; /* spaces and separators */
        if (hi < 0) hi = v; else { b[n++] = (unsigned char) (hi << 4 | v); hi = -1; }
    }
    *out = b;
    return n;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
    return i;
}

/* The kernel this runs on: uname and whether its JIT is on. */
static void print_kernel(void) {
    struct utsname u;
    char jit[16] = "absent";
    if (uname(&u) < 0) { printf("kernel: uname failed: %s\n", strerror(errno)); return; }
    FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
    if (f) {
        if (!fgets(jit, sizeof(jit), f)) snprintf(jit, sizeof(jit), "unreadable");
        jit[strcspn(jit, "\n")] = 0;
        fclose(f);
    }
    printf("kernel: %s %s %s %s, net.core.bpf_jit_enable %s\n", u.sysname, u.release, u.version, u.machine, jit);
}

int main(int argc, char **argv) {
    const unsigned char *prog = program, *mem = memory;
    int check_rfc = rfc_known && argc <= 1;
    print_kernel();
    size_t prog_len = sizeof(program), mem_len = sizeof(memory);
    int is_packet = packet;
    if (argc > 1) {
        unsigned char *p, *m = NULL;
        prog_len = parse_hex(argv[1], &p);
        mem_len = argc > 2 ? parse_hex(argv[2], &m) : 0;
        prog = p;
        mem = m;
        is_packet = 0;
        for (size_t k = 0; k + 8 <= prog_len; k += 8) {
            uint8_t mode = prog[k] & 0xe0, cls = prog[k] & 0x07;
            if (cls == BPF_LD && (mode == BPF_ABS || mode == BPF_IND)) is_packet = 1;
        }
    }
    union bpf_attr a;
    int map = -1;
    if (mem_len > 0) {
        memset(&a, 0, sizeof(a));
        a.map_type = BPF_MAP_TYPE_ARRAY;
        a.key_size = 4;
        a.value_size = (uint32_t) mem_len;
        a.max_entries = 1;
        map = (int) sys_bpf(BPF_MAP_CREATE, &a);
        if (map < 0) { printf("cannot create the memory map: %s\n", strerror(errno)); return 2; }
        uint32_t key = 0;
        memset(&a, 0, sizeof(a));
        a.map_fd = (uint32_t) map;
        a.key = (uint64_t) (uintptr_t) &key;
        a.value = (uint64_t) (uintptr_t) mem;
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0) { printf("cannot write the memory map: %s\n", strerror(errno)); return 2; }
    }
    size_t n = 0, user = prog_len / 8;
    struct bpf_insn *insns = calloc(user + 4, sizeof(struct bpf_insn));
    if (is_packet) insns[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);           /* r6 = skb */
    if (map >= 0) {
        insns[n++] = insn(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_VALUE, 0, map);   /* r1 = &value */
        insns[n++] = insn(0, 0, 0, 0, 0);
    } else {
        insns[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 0);                      /* r1 = 0 */
    }
    insns[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, (int32_t) mem_len);         /* r2 = length */
    size_t prologue = n;
    memcpy(insns + n, prog, user * 8);
    n += user;

    static char log[1 << 20];
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insns = (uint64_t) (uintptr_t) insns;
    a.insn_cnt = (uint32_t) n;
    a.license = (uint64_t) (uintptr_t) "GPL";
    a.log_buf = (uint64_t) (uintptr_t) log;
    a.log_size = sizeof(log);
    a.log_level = 1;
    int fd = (int) sys_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, "%s", log);
        /* the decisive line: the last non-empty one before the verifier's statistics */
        char *last = NULL, *line = strtok(log, "\n");
        for (; line; line = strtok(NULL, "\n")) {
            if (strncmp(line, "processed ", 10) == 0 || strncmp(line, "verification time", 17) == 0) break;
            last = line;
        }
        printf("rejected: %s (errno %d, %s); the program starts at instruction %zu of the log\n", last ? last : "(no log)", e, strerror(e), prologue);
        return 1;
    }
    unsigned char data[14 + 4096] = {0};
    size_t data_len = 14 + (is_packet ? mem_len : 0);
    if (is_packet) memcpy(data + 14, mem, mem_len);
    memset(&a, 0, sizeof(a));
    a.test.prog_fd = (uint32_t) fd;
    a.test.data_in = (uint64_t) (uintptr_t) data;
    a.test.data_size_in = (uint32_t) data_len;
    a.test.repeat = 1;
    if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0) { printf("BPF_PROG_TEST_RUN failed: %s\n", strerror(errno)); return 2; }
    printf("r0 = 0x%x\n", a.test.retval);
    if (map >= 0) {
        unsigned char *after = malloc(mem_len);
        uint32_t key = 0;
        union bpf_attr l;
        memset(&l, 0, sizeof(l));
        l.map_fd = (uint32_t) map;
        l.key = (uint64_t) (uintptr_t) &key;
        l.value = (uint64_t) (uintptr_t) after;
        if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &l) < 0) { printf("cannot read the memory map: %s\n", strerror(errno)); return 2; }
        printf("memory:");
        for (size_t k = 0; k < mem_len; k++) printf(" %02x", after[k]);
        printf("\n");
    }
    if (check_rfc) {
        int same = a.test.retval == rfc_r0;
        printf("RFC 9669: r0 = 0x%x; %s\n", rfc_r0, same ? "the same" : "this kernel returned another r0");
        return same ? 0 : 1;
    }
    return 0;
}
