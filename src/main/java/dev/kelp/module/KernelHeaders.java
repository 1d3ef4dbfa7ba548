package dev.kelp.module;

import java.nio.file.Path;

/**
 * The target kernel as the module stage needs it: the kbuild directory modules are linked
 * against, the compiler that built the kernel, the vermagic every module must carry, and the
 * kernel's exports.
 *
 * @param dir      e.g. {@code /usr/src/linux-headers-RELEASE}
 * @param compiler e.g. {@code gcc-12}
 * @param vermagic e.g. {@code 6.1.0-56-amd64 SMP preempt mod_unload modversions}
 * @param symvers  the kernel's {@code Module.symvers}
 */
public record KernelHeaders(Path dir, String compiler, String vermagic, Path symvers) {
}
