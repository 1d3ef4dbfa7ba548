package dev.kelp.elf;

import dev.kelp.util.KelpException;

/**
 * A malformed or unsupported ELF input. The message is one line:
 * {@code FILE: what is wrong (at offset 0xN)}, where N is the file offset of the offending field.
 */
public final class ElfFormatException extends KelpException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;
    private final long offset;

    public ElfFormatException(String file, String problem, long offset) {
        super(file + ": " + problem + " (at offset 0x" + Long.toHexString(offset) + ")");
        this.file = file;
        this.problem = problem;
        this.offset = offset;
    }

    /** The file as named by the caller. */
    public String file() {
        return file;
    }

    /** What is wrong, without file name and offset. */
    public String problem() {
        return problem;
    }

    /** File offset of the offending field. */
    public long offset() {
        return offset;
    }
}
