package dev.kelp.build;

import dev.kelp.tree.Kbuild;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Files a livepatch cannot change, and why. A table, checked in order; the first match wins.
 * ftrace-based livepatching redirects calls to C functions of the running kernel or its modules,
 * so everything that is not such a function in such an object is out of reach.
 */
final class RefusalRules {
    record Rule(Predicate<String> matches, String reason) {
    }

    private static Predicate<String> under(String dir) {
        return p -> p.startsWith(dir);
    }

    private static Predicate<String> endsWith(String... suffixes) {
        return p -> {
            for (String s : suffixes) {
                if (p.endsWith(s)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Predicate<String> named(String... names) {
        return p -> {
            String base = p.substring(p.lastIndexOf('/') + 1);
            return List.of(names).contains(base);
        };
    }

    static final List<Rule> RULES = List.of(
            new Rule(endsWith(".S", ".s"), "assembly cannot be live patched: livepatching replaces C functions through their ftrace entry, and assembly has none"),
            new Rule(under("lib/"), "lib/ cannot be live patched: its objects go into lib.a, are linked only when referenced and partly built without ftrace entries (kpatch-build and klp-build refuse it too)"),
            // vma.c and extable.c are kernel code that maps the vDSO; the rest of the directory is the vDSO
            new Rule(p -> p.contains("/vdso/") && !named("vma.c", "extable.c").test(p),
                    "the vDSO runs in user space, mapped into every process: a livepatch cannot change it"),
            new Rule(under("arch/x86/boot/"), "boot code runs before the kernel and is not part of the running image"),
            new Rule(under("arch/x86/realmode/"), "real-mode trampolines are copied and run outside the kernel's ftrace-patchable text"),
            new Rule(under("arch/x86/purgatory/"), "purgatory runs between kernels (kexec) and is not part of the running image"),
            new Rule(under("drivers/firmware/efi/libstub/"), "the EFI stub runs before the kernel and is not part of the running image"),
            new Rule(under("tools/").or(under("scripts/")).or(under("usr/")), "user-space tools and build scripts are not kernel code"),
            new Rule(named("Makefile", "Kbuild", "Kconfig").or(p -> p.contains("/Kconfig")).or(endsWith(".lds", ".lds.S")),
                    "build system and configuration changes cannot be live patched (the running kernel's config and layout are fixed)"),
            new Rule(endsWith(".rs"), "Rust code cannot be live patched by kelp"));

    /** Why {@code path} cannot be live patched, if it cannot. */
    static Optional<String> refusal(String path) {
        for (Rule r : RULES) {
            if (r.matches().test(path)) {
                return Optional.of(r.reason());
            }
        }
        return Optional.empty();
    }

    /** Paths that change nothing in the kernel: documentation and the like. */
    static boolean isInert(String path) {
        return path.startsWith("Documentation/") || path.startsWith("LICENSES/")
                || List.of("MAINTAINERS", "CREDITS", "README", "COPYING", ".mailmap").contains(path)
                || path.endsWith(".rst") || path.endsWith(".txt") || path.endsWith(".yaml");
    }
}
