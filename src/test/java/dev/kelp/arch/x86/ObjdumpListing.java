package dev.kelp.arch.x86;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test oracle: {@code objdump -d -w -z} of an object, parsed into executable sections, each
 * with its bytes (rebuilt from objdump's raw-byte column) and objdump's instruction list.
 * {@code -w} keeps every instruction on one line; {@code -z} stops objdump from eliding zero runs.
 */
final class ObjdumpListing {
    /** One objdump line: where it starts, its bytes' count, and the disassembly text. */
    record Line(long address, int length, String text) {
        /** objdump could not decode these bytes: "(bad)", or ".byte" for a truncated instruction. */
        boolean bad() {
            return text.contains("(bad)") || text.trim().startsWith(".byte");
        }

        /** The mnemonic with objdump's prefix words (cs, data16, rex.W, bnd, notrack ...) skipped. */
        String mnemonic() {
            for (String word : text.trim().split("\\s+")) {
                if (!PREFIX_WORDS.matcher(word).matches()) {
                    return word;
                }
            }
            return "";
        }
    }

    /** An executable section: bytes and objdump's lines over them. */
    record Section(String name, byte[] bytes, List<Line> lines) {
    }

    private static final Pattern PREFIX_WORDS = Pattern.compile(
            "cs|ds|es|ss|fs|gs|data16|data32|addr32|addr16|lock|rep|repz|repe|repnz|repne|bnd|notrack|"
                    + "xacquire|xrelease|rex(\\.[WRXB]+)?|rex64|\\{[a-z0-9]+\\}");
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (.*):$");
    private static final Pattern INSN = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*(?:\\t(.*))?$");

    private ObjdumpListing() {
    }

    static List<Section> of(Path object) {
        Path out;
        try {
            out = Files.createTempFile("kelp-objdump", ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process p = new ProcessBuilder("objdump", "-d", "-w", "-z", object.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("objdump -d failed on " + object);
            }
            return parse(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private static List<Section> parse(Path listing) throws IOException {
        Map<String, List<Line>> lines = new LinkedHashMap<>();
        Map<String, java.io.ByteArrayOutputStream> bytes = new LinkedHashMap<>();
        List<Line> current = null;
        java.io.ByteArrayOutputStream buf = null;
        try (BufferedReader r = Files.newBufferedReader(listing, StandardCharsets.ISO_8859_1)) {
            String s;
            while ((s = r.readLine()) != null) {
                Matcher m = SECTION.matcher(s);
                if (m.matches()) {
                    current = new ArrayList<>();
                    buf = new java.io.ByteArrayOutputStream();
                    lines.put(m.group(1), current);
                    bytes.put(m.group(1), buf);
                    continue;
                }
                if (current == null) {
                    continue;
                }
                m = INSN.matcher(s);
                if (!m.matches()) {
                    continue;
                }
                long address = Long.parseLong(m.group(1), 16);
                String[] hex = m.group(2).trim().split(" ");
                if (address != buf.size()) {
                    throw new IllegalStateException("objdump listing of " + listing + " has a gap at 0x"
                            + Long.toHexString(address) + " (expected 0x" + Integer.toHexString(buf.size()) + ")");
                }
                for (String h : hex) {
                    buf.write(Integer.parseInt(h, 16));
                }
                String text = m.group(3) == null ? "" : m.group(3);
                if (text.isEmpty() && !current.isEmpty()) {
                    // a continuation line (only without -w): extend the previous instruction
                    Line prev = current.remove(current.size() - 1);
                    current.add(new Line(prev.address(), prev.length() + hex.length, prev.text()));
                } else {
                    current.add(new Line(address, hex.length, text));
                }
            }
        }
        List<Section> sections = new ArrayList<>();
        for (var e : lines.entrySet()) {
            sections.add(new Section(e.getKey(), bytes.get(e.getKey()).toByteArray(), e.getValue()));
        }
        return sections;
    }
}
