/*
 * A sweep of BPF shifts by a register (lsh, rsh, arsh; 32 and 64 bits) over 25 counts, in and out of
 * range, and 3 values, on the running kernel through raw bpf(2): each case is a socket filter
 * "r0 = VALUE; r1 = COUNT; r0 OP= r1" (and again with "r0 >>= 32" for a 64-bit result's upper half) run
 * once with BPF_PROG_TEST_RUN, compared with RFC 9669, section 4.1: "Shift operations use a mask of 0x3F
 * (63) for 64-bit operations and 0x1F (31) for 32-bit operations". Prints the kernel, each case that
 * differs, and how many did; exit code 1 when any did.
 *
 * Where the shift reproducers in .. come from (which counts a JIT gets wrong). Run on a guest kernel:
 *   crosscheck vm exec --arch armhf --version 6.1 [--interp] linux-jit-shift-counts.c
 * The .vm-ARCH-VERSION-MODE.out files are what it printed there.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof(*a)); }
static struct bpf_insn I(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm}; return i; }

/* runs: r0 = value (64-bit via lddw), r1 = count (64-bit via lddw), r0 OP= r1, then r0 >>= hi*32; returns retval */
static int run(int op, int is64, uint64_t value, int64_t count, int hi, uint32_t *ret) {
    struct bpf_insn p[16]; int n = 0;
    p[n++] = I(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, (int32_t) value); p[n++] = I(0, 0, 0, 0, (int32_t) (value >> 32));
    p[n++] = I(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, (int32_t) count); p[n++] = I(0, 0, 0, 0, (int32_t) ((uint64_t) count >> 32));
    p[n++] = I((is64 ? BPF_ALU64 : BPF_ALU) | op | BPF_X, 0, 1, 0, 0);
    if (hi) p[n++] = I(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32);
    p[n++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    union bpf_attr a; memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER; a.insns = (uint64_t)(uintptr_t) p; a.insn_cnt = n; a.license = (uint64_t)(uintptr_t) "GPL";
    int fd = (int) sys_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0) return -errno;
    unsigned char data[14] = {0};
    memset(&a, 0, sizeof(a)); a.test.prog_fd = fd; a.test.data_in = (uint64_t)(uintptr_t) data; a.test.data_size_in = 14; a.test.repeat = 1;
    long r = sys_bpf(BPF_PROG_TEST_RUN, &a); close(fd);
    if (r < 0) return -errno;
    *ret = a.test.retval; return 0;
}

static uint64_t rfc(int op, int is64, uint64_t v, int64_t c) {
    if (is64) { int s = (int) (c & 63);
        return op == BPF_LSH ? v << s : op == BPF_RSH ? v >> s : (uint64_t) ((int64_t) v >> s); }
    uint32_t w = (uint32_t) v; int s = (int) (c & 31);
    return op == BPF_LSH ? (uint32_t) (w << s) : op == BPF_RSH ? w >> s : (uint32_t) ((int32_t) w >> s);
}

int main(void) {
    struct utsname u;
    char jit[16] = "absent";
    FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
    if (f) { if (!fgets(jit, sizeof(jit), f)) jit[0] = 0; jit[strcspn(jit, "\n")] = 0; fclose(f); }
    if (uname(&u) == 0) printf("kernel: %s %s %s %s, net.core.bpf_jit_enable %s\n", u.sysname, u.release, u.version, u.machine, jit);
    static const int64_t counts[] = {0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 127, 128, 129, 255, 256, 257, -1, -31, -32, -33, -63, -64, -65, 0x100000001LL, 0x80000000LL};
    static const uint64_t values[] = {0x8000000180000001ULL, 0x0123456789abcdefULL, 1};
    static const struct { int op; const char *name; } ops[] = {{BPF_LSH, "lsh"}, {BPF_RSH, "rsh"}, {BPF_ARSH, "arsh"}};
    int wrong = 0, total = 0;
    for (int w = 0; w < 2; w++) for (int o = 0; o < 3; o++) for (unsigned vi = 0; vi < sizeof(values) / 8; vi++) for (unsigned ci = 0; ci < sizeof(counts) / 8; ci++) {
        int is64 = w; uint64_t v = values[vi]; int64_t c = counts[ci];
        uint32_t lo, hi = 0; int e = run(ops[o].op, is64, v, c, 0, &lo);
        if (!e && is64) e = run(ops[o].op, is64, v, c, 1, &hi);
        uint64_t got = (uint64_t) hi << 32 | lo, want = rfc(ops[o].op, is64, v, c);
        total++;
        if (e) { printf("%s%d 0x%016llx by %lld: error %s\n", ops[o].name, is64 ? 64 : 32, (unsigned long long) v, (long long) c, strerror(-e)); wrong++; continue; }
        if (got != want) { wrong++; printf("%s%d 0x%016llx by %lld (0x%llx): got 0x%llx, RFC 9669 0x%llx\n", ops[o].name, is64 ? 64 : 32, (unsigned long long) v, (long long) c, (unsigned long long) c, (unsigned long long) got, (unsigned long long) want); }
    }
    printf("%d of %d cases differ from RFC 9669\n", wrong, total);
    return wrong ? 1 : 0;
}
