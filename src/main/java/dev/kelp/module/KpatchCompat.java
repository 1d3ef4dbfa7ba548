package dev.kelp.module;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * kelp's {@code kpatch-macros.h}: patches written for kpatch-build include it by that name, so
 * kelp puts it in a directory on the include path of every unit it builds.
 *
 * <p>The sections the macros fill, which the differ keeps or reads (see docs/build.md):
 * {@link #CALLBACK_SECTIONS} hold one 16-byte record per callback ({@code fn} pointer, then an
 * {@code objname} pointer left NULL); {@link #IGNORE_SECTIONS_SECTION},
 * {@link #IGNORE_FUNCTIONS_SECTION} and {@link #FORCE_SECTION} hold one pointer per use.
 */
public final class KpatchCompat {
    public static final String HEADER = "kpatch-macros.h";
    public static final List<String> CALLBACK_SECTIONS = List.of(".kpatch.callbacks.pre_patch",
            ".kpatch.callbacks.post_patch", ".kpatch.callbacks.pre_unpatch", ".kpatch.callbacks.post_unpatch");
    public static final String IGNORE_SECTIONS_SECTION = ".kpatch.ignore.sections";
    public static final String IGNORE_FUNCTIONS_SECTION = ".kpatch.ignore.functions";
    public static final String FORCE_SECTION = ".kpatch.force";
    /** Size of one callback record on 64-bit targets: two pointers. */
    public static final int CALLBACK_RECORD_SIZE = 16;

    private KpatchCompat() {
    }

    /** The header's text. */
    public static byte[] header() {
        try (InputStream in = KpatchCompat.class.getResourceAsStream(HEADER)) {
            if (in == null) {
                throw new KelpException("kelp is damaged: its " + HEADER + " resource is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the header into {@code dir} unless it is already there with the same content. */
    public static Path install(Path dir) {
        Path file = dir.resolve(HEADER);
        byte[] text = header();
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), text)) {
                Path tmp = dir.resolve(HEADER + ".tmp" + ProcessHandle.current().pid());
                Files.write(tmp, text);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
