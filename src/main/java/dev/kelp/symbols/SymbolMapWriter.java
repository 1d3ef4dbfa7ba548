package dev.kelp.symbols;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the database: in klp-convert's symbol map format (text; version line, then
 * {@code *OBJECT} lines each followed by its symbol names in kallsyms order), or as JSON with
 * positions, types, addresses and exports. Files are written to a temporary name and moved into
 * place, so a failed run never leaves a partial map behind.
 */
public final class SymbolMapWriter {
    public static final String KLP_CONVERT_VERSION = "klp-convert-symbol-data.0.1";
    public static final String JSON_FORMAT = "kelp-symbols.1";

    private SymbolMapWriter() {}

    public static void writeKlpConvert(KernelSymbols db, Path out) {
        atomically(out, os -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.ISO_8859_1), 1 << 16);
            w.write(KLP_CONVERT_VERSION);
            w.write('\n');
            for (String obj : db.objects()) {
                w.write('*');
                w.write(obj);
                w.write('\n');
                for (KSym s : db.symbols(obj)) {
                    w.write(s.name());
                    w.write('\n');
                }
            }
            w.flush();
        });
    }

    public static void writeJson(KernelSymbols db, Path out) {
        atomically(out, os -> {
            JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8);
            g.writeStartObject();
            g.writeStringField("format", JSON_FORMAT);
            KernelSymbols.KernelImageInfo img = db.image();
            g.writeStringField("banner", img.banner());
            g.writeStringField("buildId", img.buildId());
            g.writeStringField("tables", img.tableLayout());
            g.writeArrayFieldStart("objects");
            for (String obj : db.objects()) {
                ObjectSymbols o = db.object(obj);
                g.writeStartObject();
                g.writeStringField("name", obj);
                g.writeStringField("origin", o.origin());
                g.writeArrayFieldStart("symbols");
                for (KSym s : o.symbols()) {
                    g.writeStartObject();
                    g.writeStringField("name", s.name());
                    g.writeStringField("type", String.valueOf(s.type()));
                    g.writeStringField("address", s.hexAddress());
                    if (!s.section().isEmpty()) {
                        g.writeStringField("section", s.section());
                    }
                    if (!s.file().isEmpty()) {
                        g.writeStringField("file", s.file());
                    }
                    g.writeNumberField("index", s.index());
                    g.writeNumberField("sympos", s.sympos());
                    if (o.positionDependsOnLoadOrder(s.name())) {
                        g.writeBooleanField("loadOrderDependent", true);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("exports");
            for (Export e : db.exports().values().stream()
                    .sorted(java.util.Comparator.comparing(Export::symbol)).toList()) {
                g.writeStartObject();
                g.writeStringField("symbol", e.symbol());
                g.writeStringField("object", e.object());
                g.writeStringField("kind", e.kind());
                g.writeStringField("crc", String.format("0x%08x", e.crc()));
                if (!e.namespace().isEmpty()) {
                    g.writeStringField("namespace", e.namespace());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        });
    }

    private interface Body {
        void write(OutputStream os) throws IOException;
    }

    private static void atomically(Path out, Body body) {
        Path dir = out.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
            try {
                try (OutputStream os = Files.newOutputStream(tmp)) {
                    body.write(os);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
