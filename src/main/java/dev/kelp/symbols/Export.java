package dev.kelp.symbols;

/**
 * One line of Module.symvers: who exports a symbol.
 *
 * @param symbol    the exported name
 * @param crc       the modversions CRC (0 when the kernel has no CONFIG_MODVERSIONS)
 * @param object    {@code vmlinux} or the exporting module's name as the kernel spells it
 * @param path      the object's build path as written ({@code vmlinux}, {@code fs/xfs/xfs})
 * @param kind      {@code EXPORT_SYMBOL}, {@code EXPORT_SYMBOL_GPL}, ...
 * @param namespace the symbol namespace, empty if none
 */
public record Export(String symbol, long crc, String object, String path, String kind, String namespace) {}
