package org.crosscheck.isa;

/** An encoding the ISA table does not accept; {@link #index()} is the slot (pc) of the instruction. */
public final class DecodeException extends IsaException {
    private final int index;

    public DecodeException(int index, String problem) {
        super(null, 0, "instruction " + index + ": " + problem);
        this.index = index;
    }

    public int index() {
        return index;
    }
}
