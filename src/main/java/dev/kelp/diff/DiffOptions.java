package dev.kelp.diff;

/**
 * Settings of one diff.
 *
 * @param structSizes record sizes of the version-dependent special sections
 * @param object      the object the unit belongs to ("vmlinux" or a module name), or null when unknown
 * @param unit        the unit name written into side-band records (source path), or null to use
 *                    the original object's path
 */
public record DiffOptions(StructSizes structSizes, String object, String unit) {
    public static DiffOptions defaults() {
        return new DiffOptions(StructSizes.none(), null, null);
    }

    /** Whether the target is a module (its static keys cannot be used from the patch). */
    boolean targetIsModule() {
        return object != null && !object.isEmpty() && !object.equals("vmlinux");
    }
}
