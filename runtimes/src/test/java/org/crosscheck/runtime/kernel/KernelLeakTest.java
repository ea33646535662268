package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;

/**
 * 100,000 programs (some rejected, memory of 12 lengths so maps get evicted and made again)
 * leave the process's file descriptors where they were, and its resident memory nearly so.
 */
class KernelLeakTest {
    private static final int PROGRAMS = 100_000;
    private static final int THREADS = 2;

    static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** Resident memory outside the Java heap (the heap may grow legitimately; native leaks would not show there). */
    private static long nativeRssKiB() throws IOException {
        System.gc();
        return rssKiB() - java.lang.Runtime.getRuntime().totalMemory() / 1024;
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static void runBatch(KernelRuntime kernel, int count) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            Future<?>[] done = new Future<?>[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done[t] = pool.submit(() -> {
                    for (int i = thread; i < count; i += THREADS) {
                        int len = 8 + i % 12;
                        // every 10th program reads past its memory: a rejection with a log
                        int off = i % 10 == 0 ? len : 0;
                        Program p = Program.of(Insn.of(Op.LDXB, 0, 1, off, 0), Insn.imm(Op.ADD64_IMM, 0, i), Insn.of(Op.EXIT));
                        Outcome o = kernel.run(p, new byte[len], Limits.DEFAULT);
                        if (off == 0) assertEquals(i, assertInstanceOf(Outcome.Returned.class, o).r0());
                        else assertInstanceOf(Outcome.Rejected.class, o);
                    }
                    return null;
                });
            }
            for (Future<?> f : done) f.get();
        }
    }

    /** Our mmap()ed map values, as /proc/self/maps shows them. */
    static long mappedMaps() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("bpf-map")).count();
    }

    @Test
    void fileDescriptorsMappingsAndMemoryStayFlat() throws Exception {
        KernelTests.assumeKernel();
        long before = openFds();
        try (KernelRuntime kernel = new KernelRuntime()) {
            runBatch(kernel, 2_000); // sessions, maps and buffers exist from here on
            runBatch(kernel, PROGRAMS / 2); // the Java heap settles
            long fds = openFds();
            long maps = mappedMaps();
            long rss = nativeRssKiB();
            runBatch(kernel, PROGRAMS / 2);
            assertEquals(fds, openFds(), "open file descriptors after " + PROGRAMS + " programs");
            assertEquals(maps, mappedMaps(), "mmap()ed map values after " + PROGRAMS + " programs");
            assertTrue(maps <= THREADS * 9, maps + " map values mapped for " + THREADS + " threads");
            long grown = nativeRssKiB() - rss;
            assertTrue(grown < 32 * 1024, "resident memory outside the heap grew by " + grown + " KiB over the last " + PROGRAMS / 2 + " programs");
        }
        assertEquals(before, openFds(), "open file descriptors after closing the runtime");
        assertEquals(0, mappedMaps(), "mmap()ed map values after closing the runtime");
    }
}
