package dev.kelp.module;

import dev.kelp.util.KelpException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a livepatch module registers: per target object (vmlinux or a module), the functions it
 * replaces and its callbacks. This is the input of {@link GlueGenerator}; the build stage fills it
 * from the differ's results.
 *
 * @param name    the module name ({@code [A-Za-z0-9_-]}, at most 55 characters: MODULE_NAME_LEN)
 * @param replace atomic replace: the new patch takes over from every earlier one (kpatch-build and
 *                klp-build default)
 * @param objects the target objects, vmlinux first by convention
 */
public record LivepatchModel(String name, boolean replace, List<TargetObject> objects) {
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,55}");
    private static final Pattern C_SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");

    /** The name the kernel uses for vmlinux; in C it is {@code .name = NULL}. */
    public static final String VMLINUX = "vmlinux";

    public LivepatchModel {
        objects = List.copyOf(objects);
        checkName(name);
        if (objects.isEmpty()) {
            throw new KelpException("livepatch " + name + " patches nothing: no target object");
        }
        if (objects.stream().map(TargetObject::name).distinct().count() != objects.size()) {
            throw new KelpException("livepatch " + name + " lists a target object twice");
        }
    }

    /** Fails unless {@code name} can name a module (the build checks it before compiling anything). */
    public static void checkName(String name) {
        if (!MODULE_NAME.matcher(name).matches()) {
            throw new KelpException("livepatch name '" + name + "' is not usable as a module name: use at most 55 of"
                    + " the characters A-Z a-z 0-9 _ - (--name)");
        }
    }

    /** The name as the kernel spells loaded modules ({@code -} becomes {@code _}). */
    public String kernelName() {
        return name.replace('-', '_');
    }

    /**
     * One target object.
     *
     * @param name      {@link #VMLINUX} or the module's kernel name (e.g. {@code xfs}, {@code nf_conntrack})
     * @param functions the replaced functions
     * @param callbacks the object's callbacks (at most one of each kind, as klp_callbacks allows)
     */
    public record TargetObject(String name, List<PatchedFunction> functions, Callbacks callbacks) {
        public TargetObject {
            functions = List.copyOf(functions);
            if (name.isEmpty() || name.length() > 55 || name.contains(".")) {
                throw new KelpException("target object name '" + name + "' is not a module name (at most 55 characters, no '.')");
            }
            if (functions.isEmpty() && callbacks.isEmpty()) {
                throw new KelpException("target object " + name + " has neither functions nor callbacks");
            }
        }

        public boolean isVmlinux() {
            return name.equals(VMLINUX);
        }
    }

    /**
     * One replaced function.
     *
     * @param oldName   the function's name in the target object
     * @param sympos    its position among same-named symbols of that object (0 = the name is unique)
     * @param newSymbol the global symbol of the replacement in the patch object(s)
     */
    public record PatchedFunction(String oldName, long sympos, String newSymbol) {
        public PatchedFunction {
            if (oldName.isEmpty() || oldName.length() >= 512 || oldName.contains(",")) {
                throw new KelpException("function name '" + oldName + "' cannot be live patched (1-511 characters, no ',')");
            }
            if (sympos < 0) {
                throw new KelpException(oldName + ": negative sympos " + sympos);
            }
            if (!C_SYMBOL.matcher(newSymbol).matches() || newSymbol.contains(".") || newSymbol.contains("$")) {
                throw new KelpException("replacement symbol '" + newSymbol + "' for " + oldName
                        + " is not a C identifier: the differ must give it a linkable name");
            }
        }
    }

    /**
     * The klp callbacks of one object: global symbols in the patch object(s), each optional.
     * pre_patch returns int (non-zero cancels patching the object); the others return void.
     */
    public record Callbacks(Optional<String> prePatch, Optional<String> postPatch, Optional<String> preUnpatch,
            Optional<String> postUnpatch) {
        public static final Callbacks NONE = new Callbacks(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public boolean isEmpty() {
            return prePatch.isEmpty() && postPatch.isEmpty() && preUnpatch.isEmpty() && postUnpatch.isEmpty();
        }
    }
}
