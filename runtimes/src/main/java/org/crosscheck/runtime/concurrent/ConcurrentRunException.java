package org.crosscheck.runtime.concurrent;

/** A concurrent test that could not run on a runtime: which thread and why, in one line. */
public final class ConcurrentRunException extends Exception {
    public ConcurrentRunException(String message) {
        super(message);
    }
}
