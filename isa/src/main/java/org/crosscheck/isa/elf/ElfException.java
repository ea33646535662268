package org.crosscheck.isa.elf;

import org.crosscheck.isa.IsaException;

/**
 * An ELF object the reader cannot take: malformed (truncated, another class, byte order or machine,
 * a table out of bounds, a relocation outside its section, a bad symbol index) or using what it does
 * not support (BTF-defined maps, CO-RE relocations, another relocation type, a call to an external
 * symbol). The message names the object, what and where (section and offset).
 */
public final class ElfException extends IsaException {
    public ElfException(String source, String problem) {
        super(source, 0, problem);
    }
}
