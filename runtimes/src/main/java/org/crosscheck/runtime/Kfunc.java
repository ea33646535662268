package org.crosscheck.runtime;

/**
 * A function a runtime provides to programs through {@code call runtime ID} (a kfunc by BTF id in
 * Linux). The in-process runtimes have none by default; test runtimes such as the mutants use
 * them to change the meaning of one instruction without touching the interpreter's loop.
 */
@FunctionalInterface
public interface Kfunc {
    /** Runs with the whole register file (it may change any register) and the program's memory. */
    void call(long[] registers, Memory memory);

    /** The program's memory, bounds-checked as the runtime checks the program's own accesses. */
    interface Memory {
        /** Loads {@code size} (1, 2, 4, 8) bytes little-endian, zero-extended. */
        long load(long address, int size);

        void store(long address, int size, long value);
    }
}
