package org.crosscheck.runtime.vm;

/** A guest that cannot be prepared or booted: the message is one line for the user. */
public final class VmException extends RuntimeException {
    public VmException(String message) {
        super(message, null, false, false);
    }
}
