package dev.kelp.symbols;

/**
 * One symbol as the target kernel's kallsyms shows it.
 *
 * @param object  {@code vmlinux} or the module name as the kernel spells it ({@code -} → {@code _})
 * @param index   position in the object's kallsyms list (vmlinux: kallsyms order; module: the
 *                order of the symbols the module's kallsyms keeps), from 0
 * @param address vmlinux: link-time address (what a {@code nokaslr} boot shows); module: the
 *                symbol's value inside {@link #section()} (modules are placed at load time)
 * @param type    the kallsyms type letter ({@code T}, {@code t}, {@code D}, {@code A}, ...)
 * @param name    the symbol name
 * @param sympos  the position livepatch needs: 0 when the name is unique in the object,
 *                otherwise 1-based among the object's symbols of that name
 * @param section module symbols: the section name; vmlinux: empty
 * @param file    the compilation unit's FILE symbol when known (unstripped vmlinux), else empty
 */
public record KSym(String object, int index, long address, char type, String name, int sympos, String section,
        String file) {

    /** Address as /proc/kallsyms prints it (16 hex digits). */
    public String hexAddress() {
        return String.format("%016x", address);
    }

    /** Local symbols have a lower-case type letter. */
    public boolean isLocal() {
        return Character.isLowerCase(type);
    }
}
