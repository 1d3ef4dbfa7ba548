package dev.kelp.diff;

import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;

/**
 * What a relocation points at, independent of how the compiler spelled it: a named symbol plus
 * an addend relative to it (section-symbol relocations are turned into this form), a string
 * literal or merged constant (compared by content), an anonymous section (compared by name), or
 * nothing.
 *
 * @param kind     the form
 * @param symbol   for {@link Kind#SYMBOL}: the named symbol (defined or undefined)
 * @param section  for STRING/CONSTANT/ANONYMOUS: the section pointed into
 * @param addend   the relocation addend, made relative to {@code symbol} for SYMBOL and to the
 *                 section start for the other kinds (a label's value is folded in)
 * @param offset   for STRING/CONSTANT/ANONYMOUS: the target offset in the section
 * @param content  for STRING: the text up to the NUL; for CONSTANT: the bytes as ISO-8859-1
 */
record RelocTarget(Kind kind, Symbol symbol, Section section, long addend, long offset, String content) {
    enum Kind { NONE, SYMBOL, STRING, CONSTANT, ANONYMOUS }

    static final RelocTarget NONE = new RelocTarget(Kind.NONE, null, null, 0, 0, null);

    static RelocTarget symbol(Symbol s, long addend) {
        return new RelocTarget(Kind.SYMBOL, s, null, addend, 0, null);
    }
}
