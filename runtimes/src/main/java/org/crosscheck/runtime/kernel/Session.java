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
 * memory maps by length (the kernel checks accesses against a map's exact value size, so each
 * length has its own map). A session is used by one thread at a time; the runtime pools them.
 */
final class Session implements AutoCloseable {
    /** Memory maps kept per session; the oldest is closed beyond this. */
    private static final int MAX_MEMORY_MAPS = 8;
    private static final int MAX_LOG = 16 << 20;

    private final Arena arena = Arena.ofShared();
    final MemorySegment errno = Bpf.errnoSlot(arena);
    final MemorySegment attr = arena.allocate(256, 8);
    private final MemorySegment key = arena.allocate(8, 8);
    private final MemorySegment value8 = arena.allocate(8, 8);
    final MemorySegment license = arena.allocateFrom("GPL");
    private final LinkedHashMap<Integer, Integer> memoryMaps = new LinkedHashMap<>(16, 0.75f, true);
    private int r0Map = -1;
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

    /** A log buffer of at least {@code size} bytes, at most 16 MiB. */
    MemorySegment logBuffer(long size) {
        size = Math.min(size, MAX_LOG);
        if (log.byteSize() < size) {
            if (logArena != null) logArena.close();
            logArena = Arena.ofShared();
            log = logArena.allocate(size, 8);
        }
        return log;
    }

    static long maxLog() {
        return MAX_LOG;
    }

    /** The map holding the 64-bit r0 (value size 8); minus errno when it cannot be made. */
    int r0Map() {
        if (r0Map < 0) r0Map = createArray(8);
        return r0Map;
    }

    /** The map whose value is {@code length} bytes of input memory; minus errno on failure. */
    int memoryMap(int length) {
        Integer fd = memoryMaps.get(length);
        if (fd != null) return fd;
        int created = createArray(length);
        if (created < 0) return created;
        memoryMaps.put(length, created);
        if (memoryMaps.size() > MAX_MEMORY_MAPS) {
            Iterator<Map.Entry<Integer, Integer>> eldest = memoryMaps.entrySet().iterator();
            Bpf.close(eldest.next().getValue());
            eldest.remove();
        }
        return created;
    }

    private int createArray(int valueSize) {
        clearAttr(Bpf.MAP_CREATE_SIZE);
        attr.set(ValueLayout.JAVA_INT, 0, Bpf.MAP_TYPE_ARRAY);
        attr.set(ValueLayout.JAVA_INT, 4, 4); // key size
        attr.set(ValueLayout.JAVA_INT, 8, valueSize);
        attr.set(ValueLayout.JAVA_INT, 12, 1); // max entries
        MemorySegment.copy("crosscheck".getBytes(StandardCharsets.US_ASCII), 0, attr, ValueLayout.JAVA_BYTE, 28, 10);
        return (int) Bpf.call(errno, Bpf.MAP_CREATE, attr, Bpf.MAP_CREATE_SIZE);
    }

    /** Writes {@code bytes} as the value of element 0 of {@code map}; 0 or minus errno. */
    int update(int map, byte[] bytes) {
        MemorySegment v = buffer(bytes.length);
        MemorySegment.copy(bytes, 0, v, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return (int) elem(Bpf.MAP_UPDATE_ELEM, map, v);
    }

    /** Reads element 0 of {@code map} into {@code out}; 0 or minus errno. */
    int lookup(int map, byte[] out) {
        MemorySegment v = buffer(out.length);
        int r = (int) elem(Bpf.MAP_LOOKUP_ELEM, map, v);
        if (r == 0) MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        return r;
    }

    /** Reads the 64-bit value of the r0 map into {@link #r0Value()}; 0 or minus errno. */
    int lookupR0() {
        return (int) elem(Bpf.MAP_LOOKUP_ELEM, r0Map, value8);
    }

    long r0Value() {
        return value8.get(ValueLayout.JAVA_LONG, 0);
    }

    private long elem(int cmd, int map, MemorySegment value) {
        clearAttr(Bpf.MAP_ELEM_SIZE);
        key.set(ValueLayout.JAVA_INT, 0, 0);
        attr.set(ValueLayout.JAVA_INT, Bpf.ME_FD, map);
        attr.set(ValueLayout.JAVA_LONG, Bpf.ME_KEY, key.address());
        attr.set(ValueLayout.JAVA_LONG, Bpf.ME_VALUE, value.address());
        return Bpf.call(errno, cmd, attr, Bpf.MAP_ELEM_SIZE);
    }

    void clearAttr(int size) {
        attr.asSlice(0, size).fill((byte) 0);
    }

    @Override
    public void close() {
        for (int fd : memoryMaps.values()) Bpf.close(fd);
        memoryMaps.clear();
        Bpf.close(r0Map);
        r0Map = -1;
        if (bufArena != null) bufArena.close();
        if (logArena != null) logArena.close();
        arena.close();
    }
}
