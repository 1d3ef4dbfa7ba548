package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Module.symvers: "CRC\tSYMBOL\tOBJECT-PATH\tEXPORT-KIND\tNAMESPACE", one export a line. */
final class Symvers {
    private Symvers() {}

    static Map<String, Export> read(Path file) {
        Map<String, Export> out = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 4 || !f[0].startsWith("0x")) {
                    throw new KelpException(file + ":" + no
                            + ": not a Module.symvers line ('CRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT_TYPE' expected)");
                }
                long crc;
                try {
                    crc = Long.parseUnsignedLong(f[0].substring(2), 16);
                } catch (NumberFormatException e) {
                    throw new KelpException(file + ":" + no + ": bad CRC '" + f[0] + "'");
                }
                String path = f[2];
                out.put(f[1], new Export(f[1], crc, objectName(path), path, f[3], f.length > 4 ? f[4] : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** "fs/xfs/xfs" → "xfs", "net/can/can-raw" → "can_raw", "vmlinux" → "vmlinux". */
    static String objectName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return base.replace('-', '_');
    }
}
