package org.crosscheck.runtime.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The native memory and maps one run at a time needs: attribute blocks, buffers, the r0 map and
 * memory maps by length, all mmap()ed (the kernel checks accesses against a map's exact value size, so each
 * length has its own map). A session is used by one thread at a time; the runtime pools them.
 */
final class Session implements AutoCloseable {
    /** Memory maps kept per session; the oldest is closed beyond this. */
    private static final int MAX_MEMORY_MAPS = 8;

    private final Arena arena = Arena.ofShared();
    final MemorySegment errno = Bpf.errnoSlot(arena);
    final MemorySegment attr = arena.allocate(256, 8);
    final MemorySegment license = arena.allocateFrom("GPL");
    private final LinkedHashMap<Integer, ValueMap> memoryMaps = new LinkedHashMap<>(16, 0.75f, true);
    /** Maps holding a program's global data, by length (apart from the memory maps: a program may have both of one length). */
    private final LinkedHashMap<Integer, ValueMap> globalsMaps = new LinkedHashMap<>(16, 0.75f, true);
    private ValueMap r0Map;
    /** Growable buffers live in arenas of their own so that growing frees the old one. */
    private Arena bufArena;
    private MemorySegment buf = MemorySegment.NULL;
    private Arena logArena;
    private MemorySegment log = MemorySegment.NULL;

    /** A buffer of at least {@code size} bytes (contents undefined). */
    MemorySegment buffer(long size) {
        if (buf.byteSize() < size) {
            if (bufArena != null) bufArena.close();
            bufArena = Arena.ofShared();
            buf = bufArena.allocate(Math.max(size, Math.max(4096, buf.byteSize() * 2)), 8);
        }
        return buf;
    }

    /** A log buffer of at least {@code size} bytes. */
    MemorySegment logBuffer(long size) {
        if (log.byteSize() < size) {
            if (logArena != null) logArena.close();
            logArena = Arena.ofShared();
            log = logArena.allocate(size, 8);
        }
        return log;
    }

    /** An array map of one element whose value we see through mmap() (no system call per read or write). */
    record ValueMap(int fd, MemorySegment value, MemorySegment mapping) {}

    /** The map holding the 64-bit r0 (value size 8), or null with {@link #lastError} set. */
    ValueMap r0Map() {
        if (r0Map == null) r0Map = createArray(8);
        return r0Map;
    }

    /** The map whose value is {@code length} bytes of input memory, or null with {@link #lastError} set. */
    ValueMap memoryMap(int length) {
        return arrayOf(memoryMaps, length);
    }

    /** The map whose value is {@code length} bytes of a program's global data, or null with {@link #lastError} set. */
    ValueMap globalsMap(int length) {
        return arrayOf(globalsMaps, length);
    }

    private ValueMap arrayOf(LinkedHashMap<Integer, ValueMap> maps, int length) {
        ValueMap m = maps.get(length);
        if (m != null) return m;
        m = createArray(length);
        if (m == null) return null;
        maps.put(length, m);
        if (maps.size() > MAX_MEMORY_MAPS) {
            Iterator<Map.Entry<Integer, ValueMap>> eldest = maps.entrySet().iterator();
            release(eldest.next().getValue());
            eldest.remove();
        }
        return m;
    }

    /** The errno of the last failed map creation, and what failed. */
    int lastError;
    String lastFailure;

    private ValueMap createArray(int valueSize) {
        clearAttr(Bpf.MAP_CREATE_SIZE);
        attr.set(ValueLayout.JAVA_INT, 0, Bpf.MAP_TYPE_ARRAY);
        attr.set(ValueLayout.JAVA_INT, 4, 4); // key size
        attr.set(ValueLayout.JAVA_INT, 8, valueSize);
        attr.set(ValueLayout.JAVA_INT, 12, 1); // max entries
        attr.set(ValueLayout.JAVA_INT, 16, Bpf.F_MMAPABLE);
        MemorySegment.copy("crosscheck".getBytes(StandardCharsets.US_ASCII), 0, attr, ValueLayout.JAVA_BYTE, 28, 10);
        int fd = (int) Bpf.call(errno, Bpf.MAP_CREATE, attr, Bpf.MAP_CREATE_SIZE);
        if (fd < 0) return fail("BPF_MAP_CREATE", -fd);
        long length = (((long) valueSize + 7) / 8 * 8 + Bpf.PAGE - 1) / Bpf.PAGE * Bpf.PAGE;
        MemorySegment mapping = Bpf.mmap(fd, length);
        if (mapping.equals(MemorySegment.NULL)) {
            Bpf.close(fd);
            return fail("mmap", 12 /* ENOMEM: mmap's errno is not captured */);
        }
        return new ValueMap(fd, mapping.asSlice(0, valueSize), mapping);
    }

    private ValueMap fail(String what, int err) {
        lastFailure = what;
        lastError = err;
        return null;
    }

    private static void release(ValueMap m) {
        Bpf.munmap(m.mapping());
        Bpf.close(m.fd());
    }

    /**
     * BPF_PROG_TEST_RUN: runs program {@code fd} {@code repeat} times on the first {@code size}
     * bytes of {@code data}; 0 or minus errno. The last run's return value is then at
     * {@link Bpf#TR_RETVAL} in {@link #attr}.
     */
    long testRun(int fd, MemorySegment data, int size, int repeat) {
        clearAttr(Bpf.TEST_RUN_SIZE);
        attr.set(ValueLayout.JAVA_INT, Bpf.TR_PROG_FD, fd);
        attr.set(ValueLayout.JAVA_INT, Bpf.TR_DATA_SIZE_IN, size);
        attr.set(ValueLayout.JAVA_LONG, Bpf.TR_DATA_IN, data.address());
        attr.set(ValueLayout.JAVA_INT, Bpf.TR_REPEAT, repeat);
        return Bpf.call(errno, Bpf.PROG_TEST_RUN, attr, Bpf.TEST_RUN_SIZE);
    }

    /** The JIT's image of the loaded program {@code fd}: BPF_OBJ_GET_INFO_BY_FD once for its length, once for its bytes. */
    JitImage jitImage(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(Bpf.PROG_INFO_SIZE, 8);
            long r = progInfo(fd, info);
            int len = info.get(ValueLayout.JAVA_INT, Bpf.PI_JITED_LEN);
            if (r < 0) return JitImage.of(JitImage.Status.FAILED, (int) -r, "BPF_OBJ_GET_INFO_BY_FD");
            if (len == 0) return JitImage.of(JitImage.Status.NOT_JITED, 0, "");
            MemorySegment image = a.allocate(len, 8);
            info.fill((byte) 0);
            info.set(ValueLayout.JAVA_INT, Bpf.PI_JITED_LEN, len);
            info.set(ValueLayout.JAVA_LONG, Bpf.PI_JITED_INSNS, image.address());
            r = progInfo(fd, info);
            if (r < 0) return JitImage.of(JitImage.Status.FAILED, (int) -r, "BPF_OBJ_GET_INFO_BY_FD");
            if (info.get(ValueLayout.JAVA_LONG, Bpf.PI_JITED_INSNS) == 0) return JitImage.of(JitImage.Status.WITHHELD, 0, "");
            int got = Math.min(len, info.get(ValueLayout.JAVA_INT, Bpf.PI_JITED_LEN));
            return JitImage.jited(image.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private long progInfo(int fd, MemorySegment info) {
        clearAttr(Bpf.GET_INFO_SIZE);
        attr.set(ValueLayout.JAVA_INT, Bpf.GI_FD, fd);
        attr.set(ValueLayout.JAVA_INT, Bpf.GI_INFO_LEN, (int) info.byteSize());
        attr.set(ValueLayout.JAVA_LONG, Bpf.GI_INFO, info.address());
        return Bpf.call(errno, Bpf.OBJ_GET_INFO_BY_FD, attr, Bpf.GET_INFO_SIZE);
    }

    void clearAttr(int size) {
        attr.asSlice(0, size).fill((byte) 0);
    }

    @Override
    public void close() {
        for (ValueMap m : memoryMaps.values()) release(m);
        memoryMaps.clear();
        for (ValueMap m : globalsMaps.values()) release(m);
        globalsMaps.clear();
        if (r0Map != null) release(r0Map);
        r0Map = null;
        if (bufArena != null) bufArena.close();
        if (logArena != null) logArena.close();
        arena.close();
    }
}
