package dev.kelp.qemu;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import dev.kelp.arch.registry.Machines;
import dev.kelp.target.Target.Layout;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel a livepatch is tested in: its release string, its bootable image and its module
 * directory ({@code /lib/modules/RELEASE}, which may be absent when no target module is needed).
 * Where those live is the target stage's {@link Layout}.
 */
public record KernelTarget(String release, Path vmlinuz, Path modulesDir) {
    private static final Layout SYSTEM = Layout.SYSTEM;

    /**
     * Finds the target: by RELEASE (its /boot/vmlinuz-RELEASE), by an image file (its release is
     * read from the image's header unless RELEASE is also given), or else the newest release
     * installed with both an image and a module directory. Either argument may be null.
     */
    public static KernelTarget resolve(String release, Path vmlinuz) {
        if (vmlinuz != null) {
            if (!Files.isRegularFile(vmlinuz)) {
                throw new KelpException(vmlinuz + ": no such kernel image");
            }
            String r = release != null ? release : imageRelease(vmlinuz).orElseThrow(() -> noRelease(vmlinuz));
            return new KernelTarget(r, vmlinuz, SYSTEM.modulesDir(r));
        }
        if (release != null) {
            Path image = SYSTEM.image(release);
            if (!Files.isRegularFile(image)) {
                throw new KelpException(image + ": no such kernel image; installed releases: " + installed());
            }
            return new KernelTarget(release, image, SYSTEM.modulesDir(release));
        }
        List<String> releases = installed();
        if (releases.isEmpty()) {
            throw new KelpException("no kernel found with both /boot/vmlinuz-RELEASE and /lib/modules/RELEASE;"
                    + " install one (Debian: linux-image-amd64) or pass --vmlinuz FILE");
        }
        String newest = releases.get(releases.size() - 1);
        return new KernelTarget(newest, SYSTEM.image(newest), SYSTEM.modulesDir(newest));
    }

    /** Releases with an image in /boot and a module directory, oldest first. */
    static List<String> installed() {
        return SYSTEM.bootableReleases();
    }

    /** The release recorded in the image's header (x86: the bzImage's setup header), if its format has one. */
    static Optional<String> imageRelease(Path image) {
        return BootImages.imageRelease(BootArch.head(image));
    }

    /**
     * No release in IMAGE's header: an image for an architecture kelp does not boot says so;
     * anything else may be a kernel whose format records no release.
     */
    private static KelpException noRelease(Path image) {
        byte[] head = BootArch.head(image);
        if (Machines.boots().stream().noneMatch(a -> a.boots(head))) {
            KelpException refusal = BootImages.notBootable(image.toString(), head);
            if (refusal.exitCode() == KelpException.UNSUPPORTED) {
                return refusal;
            }
        }
        return new KelpException(image + ": no kernel version in the image header (not "
                + BootImages.releaseFormats() + "?); pass --kernel RELEASE");
    }
}
