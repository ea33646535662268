package org.crosscheck.runtime.jit;

/** How compiled code reaches memory: which class's static methods access it (reading the state field that holds it). */
public enum MemoryMode {
    /** One thread owns the memory: plain accesses on {@code MachineState.ram}, as the interpreter (the {@code jit} runtime). */
    PLAIN(PlainMemory.class),
    /** Threads share the memory: {@code MachineState.shared} with the BPF-to-JVM access-mode mapping of {@link SharedMemory}. */
    SHARED(SharedMemory.class),
    /**
     * Deliberately wrong: as {@link #SHARED}, but fetch atomics, xchg and cmpxchg compiled as a plain load
     * and a plain store, neither atomic nor ordered ({@link UnorderedFetchMemory}). It exists so that tests
     * (and users, as the runtime {@code jit-mutant:unordered-fetch}) can see litmus runs catch a broken mapping.
     */
    UNORDERED_FETCH(UnorderedFetchMemory.class);

    /** Internal name of the class whose static methods the compiled code calls. */
    final String accessClass;

    /** Whether compiled code reads {@code MachineState.shared} (threads may share it). */
    public boolean shared() {
        return this != PLAIN;
    }

    MemoryMode(Class<?> accessClass) {
        this.accessClass = ChunkCompiler.internal(accessClass);
    }
}
