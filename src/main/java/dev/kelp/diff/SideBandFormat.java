package dev.kelp.diff;

/**
 * The layout of the side-band sections (docs/sideband.md), in one place for both of its ends:
 * {@code kelp diff} writes them ({@link SideBandWriter}) and the klp converter reads them after the
 * module link. A record is four absolute 64-bit relocations (place, name, object, unit) followed
 * by the original relocation's type, flags and addend.
 */
public final class SideBandFormat {
    /** The records, with their relocations in {@code .rela.kelp.relocs}. */
    public static final String RECORDS = ".kelp.relocs";
    /** The NUL-terminated strings the name/object/unit relocations point into. */
    public static final String STRINGS = ".kelp.strings";
    /** Per unit: its name, then the names of its local FUNC/OBJECT symbols, ended by an empty string. */
    public static final String UNIT_SYMBOLS = ".kelp.unitsyms";

    public static final int RECORD_SIZE = 48;

    /** Field offsets in a record. */
    public static final int PLACE = 0;
    public static final int NAME = 8;
    public static final int OBJECT = 16;
    public static final int UNIT = 24;
    public static final int TYPE = 32;
    public static final int FLAGS = 36;
    public static final int ADDEND = 40;

    /** Flag bits: what the original relocation's symbol was. */
    public static final int FLAG_LOCAL = 1;
    public static final int FLAG_FUNC = 2;
    public static final int FLAG_OBJECT = 4;

    private SideBandFormat() {
    }
}
