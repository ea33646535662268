package org.crosscheck.runtime.jit;

import java.lang.constant.ClassDesc;
import java.lang.foreign.MemorySegment;

/** How compiled code reaches memory: which state field holds it and which class's static methods access it. */
public enum MemoryMode {
    /** One thread owns the memory: plain accesses on {@code MachineState.ram}, as the interpreter (the {@code jit} runtime). */
    PLAIN(PlainMemory.class, "ram", byte[].class),
    /** Threads share the memory: {@code MachineState.shared} with the BPF-to-JVM access-mode mapping of {@link SharedMemory}. */
    SHARED(SharedMemory.class, "shared", MemorySegment.class),
    /**
     * Deliberately wrong: as {@link #SHARED}, but fetch atomics, xchg and cmpxchg compiled as a plain load
     * and a plain store, neither atomic nor ordered ({@link UnorderedFetchMemory}). It exists so that tests
     * (and users, as the runtime {@code jit-mutant:unordered-fetch}) can see litmus runs catch a broken mapping.
     */
    UNORDERED_FETCH(UnorderedFetchMemory.class, "shared", MemorySegment.class);

    final ClassDesc accessClass;
    final String field;
    final ClassDesc type;

    /** Whether compiled code reads {@code MachineState.shared} (threads may share it). */
    public boolean shared() {
        return this != PLAIN;
    }

    MemoryMode(Class<?> accessClass, String field, Class<?> type) {
        this.accessClass = accessClass.describeConstable().orElseThrow();
        this.field = field;
        this.type = type.describeConstable().orElseThrow();
    }
}
