// The raw rate of the kernel: BPF_PROG_LOAD + BPF_PROG_TEST_RUN + close of a 16-instruction
// socket filter, as fast as plain C does it, on T threads for S seconds. The baseline that
// `crosscheck bench kernel` compares the Java runtime against.
// Build: gcc -O2 -pthread -o kernel_raw kernel_raw.c    Run: ./kernel_raw THREADS SECONDS
// Prints: threads=T programs=N seconds=S per_second=R
#include <linux/bpf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double seconds;
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long bpf(int cmd, union bpf_attr *attr) { return syscall(SYS_bpf, cmd, attr, sizeof(*attr)); }

static void *worker(void *arg) {
    long *count = arg;
    struct bpf_insn insns[16];
    unsigned char data[14] = {0};
    double end = now() + seconds;
    for (uint32_t i = 0; now() < end; i++) {
        // 15 ALU instructions and exit; the immediate varies so no two programs are the same.
        insns[0] = (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = (int)i};
        for (int k = 1; k < 15; k++)
            insns[k] = (struct bpf_insn){.code = BPF_ALU64 | (k % 2 ? BPF_ADD : BPF_XOR) | BPF_K, .dst_reg = 0, .imm = k};
        insns[15] = (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        a.insn_cnt = 16;
        a.insns = (uint64_t)(uintptr_t)insns;
        a.license = (uint64_t)(uintptr_t)"GPL";
        int fd = bpf(BPF_PROG_LOAD, &a);
        if (fd < 0) { perror("BPF_PROG_LOAD"); exit(1); }
        memset(&a, 0, sizeof(a));
        a.test.prog_fd = fd;
        a.test.data_in = (uint64_t)(uintptr_t)data;
        a.test.data_size_in = sizeof(data);
        if (bpf(BPF_PROG_TEST_RUN, &a) < 0) { perror("BPF_PROG_TEST_RUN"); exit(1); }
        close(fd);
        (*count)++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    seconds = argc > 2 ? atof(argv[2]) : 3;
    if (threads < 1 || threads > 64 || seconds <= 0) { fprintf(stderr, "usage: kernel_raw THREADS SECONDS\n"); return 2; }
    pthread_t t[64];
    long counts[64] = {0};
    double start = now();
    for (int k = 0; k < threads; k++) pthread_create(&t[k], NULL, worker, &counts[k]);
    long total = 0;
    for (int k = 0; k < threads; k++) { pthread_join(t[k], NULL); total += counts[k]; }
    double took = now() - start;
    printf("threads=%d programs=%ld seconds=%.3f per_second=%.0f\n", threads, total, took, total / took);
    return 0;
}
