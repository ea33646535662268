package org.crosscheck.runtime.jit;

/** How compiled code reaches memory: which class of static access methods it calls. */
public enum MemoryMode {
    /** One thread owns the memory: plain accesses, as the interpreter (the {@code jit} runtime). */
    PLAIN(PlainMemory.class),
    /** Threads share the memory: the BPF-to-JVM access-mode mapping of {@link SharedMemory}. */
    SHARED(SharedMemory.class);

    final Class<?> accessClass;

    MemoryMode(Class<?> accessClass) {
        this.accessClass = accessClass;
    }
}
