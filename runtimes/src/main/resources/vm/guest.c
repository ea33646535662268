/*
 * crosscheck's guest executor: /init of the initramfs `crosscheck vm prepare` builds, compiled
 * static for the guest's architecture. It runs programs through the guest kernel's bpf() exactly
 * as crosscheck's host `kernel` runtime does (KernelRuntime, faithful mode): a socket filter whose
 * code the host builds (the context prologue, then the program unchanged), the input memory the
 * value of a one-element BPF_F_MMAPABLE array map, one BPF_PROG_TEST_RUN on 14 zero bytes (an
 * Ethernet header; packet programs get the memory behind it), r0's low 32 bits, the map's value
 * read back. A refused load is loaded again with the verifier's log (level 1, 1 MiB), except E2BIG.
 *
 * Start: mounts proc and devtmpfs, loads the kernel modules named in /modules/order (virtio,
 * virtio_pci, virtio_console...), writes net.core.bpf_jit_enable from the kernel command line's
 * ccjit=0|1 (the kernel hands unknown parameters to init as environment variables), opens the
 * virtio serial port /dev/vport*p1 and says hello. Its jit is what bpf_jit_enable reads back after
 * the write ("absent" on a kernel built without a JIT; a kernel whose JIT is always on keeps 1): the
 * host judges whether that is the mode it asked for.
 *
 * Byte order: the host sends code in the ISA's little-endian encoding; on a big-endian guest each
 * instruction is turned into the kernel's own struct bpf_insn (off and imm big-endian, dst_reg in the
 * high nibble of the register byte) before the map's fd goes into its imm. The memory is bytes,
 * sent and returned as they are: the program's loads and stores read them in the guest's order.
 *
 * Protocol (one protocol, both directions, all integers little-endian): a frame is a u32 payload
 * length N then N bytes; the payload's first byte is its type.
 *   guest -> host 'H' hello:   str release, str machine, str jit   (str = u16 length, bytes)
 *   host -> guest 'R' run:     u8 flags (1 = packet, 2 = verify only), u16 map slot (the instruction whose imm is the
 *                              memory map's fd, 0xffff none), u32 memory length M, u32 code length,
 *                              u16 input count K (at least 1; 1 when M is 0), code, then K inputs of
 *                              M bytes: the program is loaded once and run on each input in turn.
 *                              Verify only (K must be 1): one load with the verifier's log of level 2
 *                              (every state walked) in a 16 MiB buffer, nothing run; the answer's text
 *                              is that log whether loaded or refused, its run count 0 (the verifier
 *                              oracle's second load, as KernelRuntime.verify makes it on the host)
 *   guest -> host 'r' result:  u8 status (0 loaded, 1 load refused, 2 a system call failed before
 *                              any run), i32 errno, u32 text length, text (the verifier log when
 *                              refused, the failing call when status 2), u16 run count (K when
 *                              loaded, else 0), then per run: u8 status (0 ran, 2 BPF_PROG_TEST_RUN
 *                              failed), i32 errno, u32 retval, u32 memory length, memory (the map's
 *                              value after the run)
 *   Requests may be sent back to back without waiting: each is answered, in order, as it is done,
 *   so that the host can pipeline a batch of programs and still knows which one a crash cut off.
 *   host -> guest 'J' jited:   u8 flags, u16 map slot, u32 memory length, u32 code length, code, memory
 *                              (one input, no input count); the program is loaded as 'R' loads it (not run), then its
 *                              JIT's machine code read with BPF_OBJ_GET_INFO_BY_FD (jited_prog_len, then
 *                              jited_prog_insns)
 *   guest -> host 'j' image:   u8 status (0 the image, 1 load refused, 2 system call failed, 3 not JITed:
 *                              the kernel reports no image, 4 withheld: kallsyms hides it), i32 errno,
 *                              u32 image length, image, u32 text length, text (the verifier log when
 *                              refused, the failing call when status 2)
 *   host -> guest 'X' execute: u32 length, a static executable for the guest (a standalone C
 *                              reproducer): written to /x and run as a child with bpf_jit_enable as
 *                              set at the start, stdin /dev/null, stdout and stderr to files
 *   guest -> host 'x' exited:  i32 exit code (128 + signal when killed; -1 not started: stderr
 *                              names the failing call), u32 stdout length, stdout, u32 stderr
 *                              length, stderr
 *   host -> guest 'L' litmus:  u32 value size V, u16 map slot, u8 thread count T (1..64), then per thread u32
 *                              code length and code: a litmus test's threads (the host's SharedMap
 *                              programs, the map slot's imm the shared map's fd), loaded over one new
 *                              BPF_F_MMAPABLE array map of one V-byte value (the previous test's map and
 *                              programs closed)
 *   guest -> host 'l' loaded:  u8 status (0 loaded, 1 thread refused, 2 a system call failed), u8 thread,
 *                              i32 errno, u32 text length, text (the verifier log when refused, the
 *                              failing call when status 2), u16 CPUs the threads are pinned to (round-robin)
 *   host -> guest 'U' chunk:   u32 repeat, u32 write count, per write u32 offset, u32 length, bytes; u32 read
 *                              count, per read u32 offset, u32 length (all inside the value): the writes go
 *                              into the map's value, then each of the T threads, a pthread pinned
 *                              (sched_setaffinity) to CPU t mod the CPUs, spins until all have started (at
 *                              most 20 ms) and runs its program by BPF_PROG_TEST_RUN with that repeat, as
 *                              the host's KernelConcurrentRunner does; after all have ended the reads
 *   guest -> host 'u' chunk:   u8 T, per thread i32 errno (0 ran), u32 length, the reads' bytes in order
 *   host -> guest 'Q' quit:    the guest powers off.
 *   host -> guest 'C' crash:   a debug command: the guest kernel is made to panic (sysrq 'c'), for
 *                              the host's crash handling tests; nothing is answered.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ETH_HLEN 14
#define LOG_SIZE (1 << 20)
#define STATES_LOG_SIZE (16 << 20)
#define LOAD_ATTEMPTS 8
#define MAX_FRAME (64 << 20)
#define MAX_MAPS 64

static int port = -1;
static char *logbuf;
static char *states_log; /* the log of level 2 of a verify-only request, allocated at the first */

static void die(const char *what) {
    fprintf(stderr, "crosscheck guest: %s: %s\n", what, strerror(errno));
    sync();
    reboot(RB_POWER_OFF);
    _exit(1);
}

/* The host's little-endian instructions as this kernel's struct bpf_insn. */
static void to_native(uint8_t *code, uint32_t len) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (uint32_t i = 0; i + 8 <= len; i += 8) {
        uint8_t *p = code + i, t;
        p[1] = (uint8_t) (p[1] << 4 | p[1] >> 4);
        t = p[2]; p[2] = p[3]; p[3] = t;
        t = p[4]; p[4] = p[7]; p[7] = t;
        t = p[5]; p[5] = p[6]; p[6] = t;
    }
#else
    (void) code;
    (void) len;
#endif
}

static long bpf(int cmd, union bpf_attr *attr) {
    return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void read_full(void *buf, size_t n) {
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(port, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) { /* the host closed its end: nothing more to do */
                reboot(RB_POWER_OFF);
                _exit(0);
            }
            die("read from the port");
        }
        p += r;
        n -= (size_t) r;
    }
}

static void write_full(const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(port, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) die("write to the port");
        p += w;
        n -= (size_t) w;
    }
}

/* The reply being built. */
static char *out;
static size_t out_len, out_cap;

static void put(const void *p, size_t n) {
    if (out_len + n > out_cap) {
        out_cap = (out_len + n) * 2;
        out = realloc(out, out_cap);
        if (!out) die("realloc");
    }
    memcpy(out + out_len, p, n);
    out_len += n;
}
static void put_u8(uint8_t v) { put(&v, 1); }
static void put_u16(uint16_t v) { uint8_t b[2] = {v, v >> 8}; put(b, 2); }
static void put_u32(uint32_t v) { uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24}; put(b, 4); }
static void put_str(const char *s) { size_t n = strlen(s); put_u16((uint16_t) n); put(s, n); }
static void put_blob(const void *p, uint32_t n) { put_u32(n); put(p, n); }
static uint16_t get_u16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }
static uint32_t get_u32(const uint8_t *p) { return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24; }

static void begin(char type) {
    out_len = 0;
    put_u32(0); /* patched by send() */
    put_u8((uint8_t) type);
}

static void send(void) {
    uint32_t n = (uint32_t) (out_len - 4);
    uint8_t b[4] = {n, n >> 8, n >> 16, n >> 24};
    memcpy(out, b, 4);
    write_full(out, out_len);
}

/* The start of a result: the load's status, errno, text; the runs follow (put_run). */
static void reply(uint8_t status, int err, const char *text, uint32_t text_len, uint16_t runs) {
    begin('r');
    put_u8(status);
    put_u32((uint32_t) err);
    put_blob(text, text_len);
    put_u16(runs);
}

static void put_run(uint8_t status, int err, uint32_t retval, const void *mem, uint32_t mem_len) {
    put_u8(status);
    put_u32((uint32_t) err);
    put_u32(retval);
    put_blob(mem, mem_len);
}

static void fail(const char *call, int err) {
    reply(2, err, call, (uint32_t) strlen(call), 0);
    send();
}

/* A one-element BPF_F_MMAPABLE array map of one size-byte value: its fd, or -1 (errno set). */
static int create_map(uint32_t size) {
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = size;
    a.max_entries = 1;
    a.map_flags = BPF_F_MMAPABLE;
    memcpy(a.map_name, "crosscheck", 10);
    return (int) bpf(BPF_MAP_CREATE, &a);
}

/* Memory maps by value size, kept across programs (as the host's Session keeps them). */
static struct { uint32_t size; int fd; uint8_t *value; } maps[MAX_MAPS];
static int nmaps;

static int memory_map(uint32_t size, uint8_t **value) {
    for (int i = 0; i < nmaps; i++) {
        if (maps[i].size == size) {
            *value = maps[i].value;
            return maps[i].fd;
        }
    }
    int fd = create_map(size);
    if (fd < 0) return -1;
    long page = sysconf(_SC_PAGESIZE);
    size_t len = ((size + 7) / 8 * 8 + page - 1) / page * page;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        close(fd);
        return -1;
    }
    if (nmaps == MAX_MAPS) { /* forget the oldest */
        close(maps[0].fd);
        memmove(maps, maps + 1, sizeof(maps[0]) * (MAX_MAPS - 1));
        nmaps--;
    }
    maps[nmaps].size = size;
    maps[nmaps].fd = fd;
    maps[nmaps].value = m;
    nmaps++;
    *value = m;
    return fd;
}

static int load_logged(const uint8_t *code, uint32_t code_len, int log_level, char *log, uint32_t log_size) {
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insn_cnt = code_len / 8;
    a.insns = (uint64_t) (uintptr_t) code;
    a.license = (uint64_t) (uintptr_t) "GPL";
    memcpy(a.prog_name, "crosscheck", 10);
    if (log_level > 0) {
        log[0] = 0;
        a.log_level = (uint32_t) log_level;
        a.log_size = log_size;
        a.log_buf = (uint64_t) (uintptr_t) log;
    }
    int fd = -1;
    errno = EAGAIN;
    /* The verifier gives up with EAGAIN when a signal is pending: load again. */
    for (int i = 0; i < LOAD_ATTEMPTS && fd < 0 && errno == EAGAIN; i++) fd = (int) bpf(BPF_PROG_LOAD, &a);
    return fd;
}

static int load(const uint8_t *code, uint32_t code_len, int log_level) {
    return load_logged(code, code_len, log_level, logbuf, LOG_SIZE);
}

static void run(const uint8_t *req, uint32_t n) {
    if (n < 13) {
        errno = EINVAL;
        die("short run request");
    }
    int packet = req[0] & 1, verify_only = req[0] & 2;
    uint16_t slot = get_u16(req + 1);
    uint32_t mem_len = get_u32(req + 3), code_len = get_u32(req + 7);
    uint16_t inputs = get_u16(req + 11);
    if (inputs == 0 || (verify_only && inputs != 1) || (req[0] & ~3) != 0 || (mem_len == 0 && inputs != 1) || 13 + (uint64_t) code_len + (uint64_t) mem_len * inputs != n || code_len % 8 != 0
            || (slot != 0xffff && (uint32_t) slot * 8 + 16 > code_len)) {
        errno = EINVAL;
        die("malformed run request");
    }
    uint8_t *code = (uint8_t *) req + 13;
    const uint8_t *mem = code + code_len;
    to_native(code, code_len);
    uint8_t *value = NULL;
    if (mem_len > 0) {
        int mfd = memory_map(mem_len, &value);
        if (mfd < 0) {
            fail("BPF_MAP_CREATE", errno);
            return;
        }
        if (slot != 0xffff) {
            int32_t fd = mfd; /* struct bpf_insn's imm, in the kernel's byte order */
            memcpy(code + slot * 8 + 4, &fd, 4);
        }
        memcpy(value, mem, mem_len); /* the verifier sees the first input, as a single run would have it */
    }
    if (verify_only) {
        if (!states_log && !(states_log = malloc(STATES_LOG_SIZE))) die("malloc");
        int vfd = load_logged(code, code_len, 2, states_log, STATES_LOG_SIZE);
        int err = vfd < 0 ? errno : 0;
        if (vfd >= 0) close(vfd);
        reply(vfd >= 0 ? 0 : 1, err, states_log, (uint32_t) strnlen(states_log, STATES_LOG_SIZE), 0);
        send();
        return;
    }
    int fd = load(code, code_len, 0);
    if (fd < 0) {
        int err = errno;
        if (err == E2BIG) {
            reply(1, err, "", 0, 0);
            send();
            return;
        }
        int again = load(code, code_len, 1);
        if (again >= 0) close(again);
        reply(1, err, logbuf, (uint32_t) strnlen(logbuf, LOG_SIZE), 0);
        send();
        return;
    }
    static uint8_t data[ETH_HLEN + 65536];
    uint32_t size = ETH_HLEN + (packet ? mem_len : 0);
    if (size > sizeof(data)) size = sizeof(data);
    reply(0, 0, "", 0, inputs);
    for (uint16_t i = 0; i < inputs; i++) {
        const uint8_t *in = mem + (size_t) i * mem_len;
        if (mem_len > 0) memcpy(value, in, mem_len);
        memset(data, 0, ETH_HLEN);
        if (packet) memcpy(data + ETH_HLEN, in, size - ETH_HLEN);
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.test.prog_fd = (uint32_t) fd;
        a.test.data_size_in = size;
        a.test.data_in = (uint64_t) (uintptr_t) data;
        a.test.repeat = 1;
        long r = bpf(BPF_PROG_TEST_RUN, &a);
        if (r < 0) put_run(2, errno, 0, NULL, 0);
        else put_run(0, 0, a.test.retval, value, mem_len);
    }
    close(fd);
    send();
}

static void jited_reply(uint8_t status, int err, const void *image, uint32_t image_len, const char *text) {
    begin('j');
    put_u8(status);
    put_u32((uint32_t) err);
    put_blob(image, image_len);
    put_blob(text, (uint32_t) strnlen(text, LOG_SIZE));
    send();
}

/* 'J': loads the program of an 'R' request and answers with its JIT's machine code. */
static void jited(uint8_t *req, uint32_t n) {
    uint32_t mem_len = n >= 11 ? get_u32(req + 3) : 0, code_len = n >= 11 ? get_u32(req + 7) : 0;
    uint16_t slot = n >= 11 ? get_u16(req + 1) : 0;
    if (n < 11 || 11 + (uint64_t) code_len + mem_len != n || code_len % 8 != 0 || (slot != 0xffff && (uint32_t) slot * 8 + 16 > code_len)) {
        errno = EINVAL;
        die("malformed jited request");
    }
    uint8_t *code = req + 11, *value = NULL;
    to_native(code, code_len);
    if (mem_len > 0) {
        int mfd = memory_map(mem_len, &value);
        if (mfd < 0) {
            jited_reply(2, errno, NULL, 0, "BPF_MAP_CREATE");
            return;
        }
        if (slot != 0xffff) memcpy(code + slot * 8 + 4, &mfd, 4);
    }
    int fd = load(code, code_len, 0);
    if (fd < 0) {
        int err = errno, again = err == E2BIG ? -1 : load(code, code_len, 1);
        if (again >= 0) close(again);
        jited_reply(1, err, NULL, 0, err == E2BIG ? "" : logbuf);
        return;
    }
    struct bpf_prog_info info;
    union bpf_attr a;
    memset(&info, 0, sizeof(info));
    uint8_t *image = NULL;
    for (int pass = 0; pass < 2; pass++) { /* the length, then the bytes */
        uint32_t len = info.jited_prog_len;
        memset(&info, 0, sizeof(info));
        if (pass == 1) {
            image = malloc(len);
            if (!image) die("malloc");
            info.jited_prog_len = len;
            info.jited_prog_insns = (uint64_t) (uintptr_t) image;
        }
        memset(&a, 0, sizeof(a));
        a.info.bpf_fd = (uint32_t) fd;
        a.info.info_len = sizeof(info);
        a.info.info = (uint64_t) (uintptr_t) &info;
        if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0) {
            int err = errno;
            close(fd);
            free(image);
            jited_reply(2, err, NULL, 0, "BPF_OBJ_GET_INFO_BY_FD");
            return;
        }
        if (pass == 0 && info.jited_prog_len == 0) break;
    }
    close(fd);
    if (!image) jited_reply(3, 0, NULL, 0, "");
    else if (info.jited_prog_insns == 0) jited_reply(4, 0, NULL, 0, "");
    else jited_reply(0, 0, image, info.jited_prog_len, "");
    free(image);
}


/* The litmus test loaded by 'L': its shared map and one program per thread. */
#define MAX_THREADS 64
static int lit_map = -1, lit_threads, lit_fds[MAX_THREADS], lit_cpus[MAX_THREADS], lit_ncpus;
static uint8_t *lit_value;
static size_t lit_mapped;
static uint32_t lit_size;

static void litmus_close(void) {
    for (int t = 0; t < lit_threads; t++) if (lit_fds[t] >= 0) close(lit_fds[t]);
    lit_threads = 0;
    if (lit_value) munmap(lit_value, lit_mapped);
    lit_value = NULL;
    if (lit_map >= 0) close(lit_map);
    lit_map = -1;
}

static void litmus_reply(uint8_t status, int thread, int err, const char *text) {
    begin('l');
    put_u8(status);
    put_u8((uint8_t) thread);
    put_u32((uint32_t) err);
    put_blob(text, (uint32_t) strnlen(text, LOG_SIZE));
    put_u16((uint16_t) lit_ncpus);
    send();
}

/* 'L': a litmus test's threads over one new shared map. */
static void litmus_load(uint8_t *req, uint32_t n) {
    if (n < 7) { errno = EINVAL; die("short litmus request"); }
    uint32_t size = get_u32(req);
    uint16_t slot = get_u16(req + 4);
    int threads = req[6];
    if (size == 0 || size > (16 << 20) || size % 8 != 0 || threads < 1 || threads > MAX_THREADS) { errno = EINVAL; die("malformed litmus request"); }
    uint8_t *code[MAX_THREADS];
    uint32_t len[MAX_THREADS], at = 7;
    for (int t = 0; t < threads; t++) {
        if (at + 4 > n) { errno = EINVAL; die("malformed litmus request"); }
        len[t] = get_u32(req + at);
        at += 4;
        if ((uint64_t) at + len[t] > n || len[t] % 8 != 0 || (uint32_t) slot * 8 + 16 > len[t]) { errno = EINVAL; die("malformed litmus request"); }
        code[t] = req + at;
        at += len[t];
    }
    if (at != n) { errno = EINVAL; die("malformed litmus request"); }
    litmus_close();
    cpu_set_t set;
    lit_ncpus = 0;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        for (int c = 0; c < CPU_SETSIZE && lit_ncpus < MAX_THREADS; c++) if (CPU_ISSET(c, &set)) lit_cpus[lit_ncpus++] = c;
    if (lit_ncpus == 0) { lit_cpus[0] = -1; lit_ncpus = 1; }
    lit_map = create_map(size);
    if (lit_map < 0) { litmus_reply(2, 0, errno, "BPF_MAP_CREATE"); return; }
    long page = sysconf(_SC_PAGESIZE);
    lit_mapped = (size + page - 1) / page * page;
    void *m = mmap(NULL, lit_mapped, PROT_READ | PROT_WRITE, MAP_SHARED, lit_map, 0);
    if (m == MAP_FAILED) { int err = errno; litmus_close(); litmus_reply(2, 0, err, "mmap"); return; }
    lit_value = m;
    lit_size = size;
    for (int t = 0; t < threads; t++) {
        to_native(code[t], len[t]);
        int32_t fd = lit_map;
        memcpy(code[t] + slot * 8 + 4, &fd, 4);
        lit_fds[t] = load(code[t], len[t], 0);
        lit_threads = t + 1;
        if (lit_fds[t] < 0) {
            int err = errno;
            if (err != E2BIG) {
                int again = load(code[t], len[t], 1);
                if (again >= 0) close(again);
            }
            litmus_close();
            litmus_reply(1, t, err, err == E2BIG ? "" : logbuf);
            return;
        }
    }
    litmus_reply(0, 0, 0, "");
}

static volatile int lit_arrived;
static uint32_t lit_repeat;

struct lit_thread { pthread_t id; int t, err; };

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void *litmus_thread(void *arg) {
    struct lit_thread *me = arg;
    int cpu = lit_cpus[me->t % lit_ncpus];
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set) < 0) { me->err = errno; __atomic_add_fetch(&lit_arrived, 1, __ATOMIC_SEQ_CST); return NULL; }
    }
    /* spin until every thread has started (at most 20 ms), so that their test runs overlap */
    __atomic_add_fetch(&lit_arrived, 1, __ATOMIC_SEQ_CST);
    long until = now_ns() + 20000000L;
    while (__atomic_load_n(&lit_arrived, __ATOMIC_SEQ_CST) < lit_threads && now_ns() < until) {}
    static uint8_t data[ETH_HLEN];
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.test.prog_fd = (uint32_t) lit_fds[me->t];
    a.test.data_size_in = ETH_HLEN;
    a.test.data_in = (uint64_t) (uintptr_t) data;
    a.test.repeat = lit_repeat;
    me->err = bpf(BPF_PROG_TEST_RUN, &a) < 0 ? errno : 0;
    return NULL;
}

static int in_value(uint32_t off, uint32_t len) {
    return (uint64_t) off + len <= lit_size;
}

/* 'U': writes into the shared value, a chunk of repeat iterations on every thread, reads from it. */
static void litmus_chunk(const uint8_t *req, uint32_t n) {
    if (n < 8 || lit_threads == 0) { errno = EINVAL; die("chunk request without a litmus test loaded, or short"); }
    lit_repeat = get_u32(req);
    uint32_t writes = get_u32(req + 4), at = 8;
    for (uint32_t w = 0; w < writes; w++) {
        if (at + 8 > n) { errno = EINVAL; die("malformed chunk request"); }
        uint32_t off = get_u32(req + at), len = get_u32(req + at + 4);
        at += 8;
        if ((uint64_t) at + len > n || !in_value(off, len)) { errno = EINVAL; die("malformed chunk request"); }
        memcpy(lit_value + off, req + at, len);
        at += len;
    }
    if (at + 4 > n) { errno = EINVAL; die("malformed chunk request"); }
    uint32_t reads = get_u32(req + at);
    at += 4;
    if ((uint64_t) at + (uint64_t) reads * 8 != n) { errno = EINVAL; die("malformed chunk request"); }
    struct lit_thread th[MAX_THREADS];
    lit_arrived = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int t = 0; t < lit_threads; t++) {
        th[t].t = t;
        th[t].err = 0;
        int e = pthread_create(&th[t].id, NULL, litmus_thread, &th[t]);
        if (e != 0) { errno = e; die("pthread_create"); }
    }
    for (int t = 0; t < lit_threads; t++) pthread_join(th[t].id, NULL);
    begin('u');
    put_u8((uint8_t) lit_threads);
    for (int t = 0; t < lit_threads; t++) put_u32((uint32_t) th[t].err);
    uint64_t total = 0;
    for (uint32_t r = 0; r < reads; r++) {
        uint32_t off = get_u32(req + at + r * 8), len = get_u32(req + at + r * 8 + 4);
        if (!in_value(off, len)) { errno = EINVAL; die("malformed chunk request"); }
        total += len;
    }
    if (total > MAX_FRAME / 2) { errno = EINVAL; die("chunk reads too large"); }
    put_u32((uint32_t) total);
    for (uint32_t r = 0; r < reads; r++) put(lit_value + get_u32(req + at + r * 8), get_u32(req + at + r * 8 + 4));
    send();
}

/* The whole of a file the child wrote, or NULL (its length in *n). */
static char *slurp(const char *path, uint32_t *n) {
    *n = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    char *b = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > MAX_FRAME / 4) break; /* more is cut */
            b = realloc(b, cap);
            if (!b) die("realloc");
        }
        ssize_t r = read(fd, b + len, cap - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t) r;
    }
    close(fd);
    *n = (uint32_t) len;
    return b;
}

static void exited(int code, const char *out, uint32_t out_len, const char *err, uint32_t err_len) {
    begin('x');
    put_u32((uint32_t) code);
    put_blob(out, out_len);
    put_blob(err, err_len);
    send();
}

static void not_started(const char *call) {
    char msg[256];
    snprintf(msg, sizeof(msg), "%s: %s", call, strerror(errno));
    exited(-1, "", 0, msg, (uint32_t) strlen(msg));
}

/* 'X': the executable in req written to /x, run to its end, its exit code and output sent back. */
static void execute(const uint8_t *req, uint32_t n) {
    if (n < 4 || get_u32(req) != n - 4) {
        errno = EINVAL;
        die("malformed execute request");
    }
    unlink("/x");
    int fd = open("/x", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0) { not_started("open /x"); return; }
    for (uint32_t done = 0; done < n - 4;) {
        ssize_t w = write(fd, req + 4 + done, n - 4 - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) { close(fd); not_started("write /x"); return; }
        done += (uint32_t) w;
    }
    close(fd);
    pid_t pid = fork();
    if (pid < 0) { not_started("fork"); return; }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), o = open("/x.stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open("/x.stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(127);
        close(port);
        execl("/x", "/x", (char *) NULL);
        dprintf(2, "execl /x: %s\n", strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) { not_started("waitpid"); return; }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    uint32_t out_len, err_len;
    char *o = slurp("/x.stdout", &out_len), *e = slurp("/x.stderr", &err_len);
    exited(code, o, out_len, e, err_len);
    free(o);
    free(e);
}

#define JIT_ENABLE "/proc/sys/net/core/bpf_jit_enable"

/* Writes bpf_jit_enable (a refused write is judged by what it reads back) and reads it: "absent" without a JIT. */
static void set_jit(const char *want, char *buf, size_t n) {
    int fd = open(JIT_ENABLE, O_RDWR);
    if (fd < 0 && errno == ENOENT) {
        snprintf(buf, n, "absent");
        return;
    }
    if (fd < 0) die(JIT_ENABLE);
    if (want && write(fd, want, strlen(want)) < 0 && errno != EINVAL && errno != EPERM) die(JIT_ENABLE);
    ssize_t r = pread(fd, buf, n - 1, 0);
    if (r < 0) die(JIT_ENABLE);
    close(fd);
    while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' ')) r--;
    buf[r] = 0;
}

static void load_modules(void) {
    FILE *order = fopen("/modules/order", "r");
    if (!order) return;
    char name[256], path[300];
    while (fgets(name, sizeof(name), order)) {
        name[strcspn(name, "\n")] = 0;
        if (!name[0]) continue;
        snprintf(path, sizeof(path), "/modules/%s.ko", name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) die(path);
        if (syscall(__NR_finit_module, fd, "", 0) < 0 && errno != EEXIST) die(path);
        close(fd);
    }
    fclose(order);
}

/* The first /dev/vport*p1, waiting for the driver to create it. */
static int open_port(void) {
    for (int tries = 0; tries < 1000; tries++) {
        DIR *d = opendir("/dev");
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strncmp(e->d_name, "vport", 5) == 0 && strstr(e->d_name, "p1")) {
                char path[300];
                snprintf(path, sizeof(path), "/dev/%s", e->d_name);
                closedir(d);
                int fd = open(path, O_RDWR);
                if (fd >= 0) return fd;
                if (errno != ENXIO && errno != ENODEV) die(path);
                d = NULL; /* the port is not ready yet: try again */
                break;
            }
        }
        if (d) closedir(d);
        usleep(10000);
    }
    errno = ENODEV;
    die("no virtio serial port /dev/vport*p1 after 10 s");
    return -1;
}

int main(void) {
    mkdir("/proc", 0755);
    mkdir("/dev", 0755);
    if (mount("proc", "/proc", "proc", 0, NULL) < 0 && errno != EBUSY) die("mount /proc");
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY) die("mount /dev");
    const char *jit = getenv("ccjit");
    char jit_now[16];
    set_jit(jit ? (strcmp(jit, "0") == 0 ? "0" : "1") : NULL, jit_now, sizeof(jit_now));
    load_modules();
    logbuf = malloc(LOG_SIZE);
    if (!logbuf) die("malloc");
    port = open_port();

    struct utsname u;
    uname(&u);
    begin('H');
    put_str(u.release);
    put_str(u.machine);
    put_str(jit_now);
    send();

    uint8_t *req = NULL;
    size_t req_cap = 0;
    for (;;) {
        uint8_t h[4];
        read_full(h, 4);
        uint32_t n = get_u32(h);
        if (n == 0 || n > MAX_FRAME) {
            errno = EINVAL;
            die("bad frame length");
        }
        if (n > req_cap) {
            req_cap = n;
            req = realloc(req, req_cap);
            if (!req) die("realloc");
        }
        read_full(req, n);
        switch (req[0]) {
            case 'R': run(req + 1, n - 1); break;
            case 'J': jited(req + 1, n - 1); break;
            case 'X': execute(req + 1, n - 1); break;
            case 'L': litmus_load(req + 1, n - 1); break;
            case 'U': litmus_chunk(req + 1, n - 1); break;
            case 'Q': sync(); reboot(RB_POWER_OFF); _exit(0);
            case 'C': {
                int fd = open("/proc/sysrq-trigger", O_WRONLY);
                if (fd >= 0) { (void) write(fd, "c", 1); close(fd); }
                break; /* not reached when sysrq works: the kernel panics */
            }
            default: errno = EINVAL; die("unknown request type");
        }
    }
}
